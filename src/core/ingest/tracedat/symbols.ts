/**
 * The text tables a trace.dat carries: /proc/kallsyms (addresses -> kernel and module symbols), the
 * trace_printk format strings (printk_formats) and saved_cmdlines (pid -> comm). They are what turns raw
 * addresses and pids in records into what the kernel's own text output would print.
 */

import type { ProbeSite } from '../types';

export interface ResolvedSymbol {
  symbol: string;
  offset: number;
  /** Distance to the next symbol, as kallsyms_lookup_size_offset() reports it (`/0x190`). */
  size: number;
  module?: string;
}

/**
 * kallsyms sorted by address. Absolute symbols (`A`, per-CPU offsets near 0) are left out: they are not code
 * and would otherwise swallow every user-space address below the kernel text.
 */
export class Kallsyms {
  private addrs: Float64Array = new Float64Array(0);
  private hi: Uint32Array = new Uint32Array(0);
  private names: string[] = [];
  private mods: (string | undefined)[] = [];

  get count(): number {
    return this.names.length;
  }

  static parse(text: string): Kallsyms {
    const rows: { hi: number; lo: number; name: string; mod?: string }[] = [];
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      // "ffffffff81000000 T _stext" or "ffffffffc0200000 t dmirror_fops_open\t[test_hmm]"
      const sp1 = line.indexOf(' ');
      if (sp1 <= 0) continue;
      const type = line.charAt(sp1 + 1);
      if (type === 'A' || type === 'a' || line.charAt(sp1 + 2) !== ' ') continue;
      const rest = line.slice(sp1 + 3);
      const tab = rest.indexOf('\t');
      const name = (tab >= 0 ? rest.slice(0, tab) : rest).trim();
      let mod: string | undefined;
      if (tab >= 0) {
        const m = /\[([^\]]+)\]/.exec(rest.slice(tab));
        if (m) mod = m[1];
      }
      const hex = line.slice(0, sp1);
      if (!/^[0-9a-fA-F]{1,16}$/.test(hex) || name === '') continue;
      const padded = hex.padStart(16, '0');
      rows.push({ hi: parseInt(padded.slice(0, 8), 16), lo: parseInt(padded.slice(8), 16), name, mod });
    }
    rows.sort((a, b) => a.hi - b.hi || a.lo - b.lo);
    const k = new Kallsyms();
    k.hi = new Uint32Array(rows.length);
    k.addrs = new Float64Array(rows.length);
    k.names = new Array<string>(rows.length);
    k.mods = new Array<string | undefined>(rows.length);
    rows.forEach((r, i) => {
      k.hi[i] = r.hi;
      k.addrs[i] = r.lo;
      k.names[i] = r.name;
      k.mods[i] = r.mod;
    });
    return k;
  }

  /** Resolves an address to symbol+offset, or undefined when it lies outside every symbol. */
  lookup(addr: bigint): ResolvedSymbol | undefined {
    const n = this.names.length;
    if (n === 0) return undefined;
    const hi = Number(addr >> 32n);
    const lo = Number(addr & 0xffffffffn);
    // last index with (hi, lo) <= addr
    let a = 0;
    let b = n - 1;
    let found = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      const mh = this.hi[m]!;
      const ml = this.addrs[m]!;
      if (mh < hi || (mh === hi && ml <= lo)) {
        found = m;
        a = m + 1;
      } else b = m - 1;
    }
    if (found < 0) return undefined;
    // the symbol's extent ends at the next symbol with a higher address
    let next = found + 1;
    while (next < n && this.hi[next] === this.hi[found] && this.addrs[next] === this.addrs[found]) next++;
    // several aliases share an address: kallsyms prints the first one listed at that address
    let first = found;
    while (first > 0 && this.hi[first - 1] === this.hi[found] && this.addrs[first - 1] === this.addrs[found]) first--;
    const offset = (hi - this.hi[first]!) * 4294967296 + (lo - this.addrs[first]!);
    let size: number;
    if (next < n) size = (this.hi[next]! - this.hi[first]!) * 4294967296 + (this.addrs[next]! - this.addrs[first]!);
    else size = offset + 1;
    // beyond the last symbol, or in a gap wider than any function: not a symbol
    if (next >= n && offset > 0xffff) return undefined;
    if (size > 0x10000000) return undefined;
    return { symbol: this.names[first]!, offset, size, module: this.mods[first] };
  }
}

/** A probe site with both the resolved symbol (when known) and the raw address, as ProbeSite wants. */
export function probeSite(syms: Kallsyms, addr: bigint): ProbeSite {
  const address = addr.toString(16);
  const r = syms.lookup(addr);
  if (!r) return { address };
  const site: ProbeSite = { symbol: r.symbol, offset: r.offset, size: r.size, address };
  if (r.module) site.module = r.module;
  return site;
}

/** `sym+0x1c3/0x6f0 [mod]` like the kernel's %pS with size (ftrace text stack frames). */
export function formatSymOff(r: ResolvedSymbol): string {
  return `${r.symbol}+0x${r.offset.toString(16)}/0x${r.size.toString(16)}${r.module ? ` [${r.module}]` : ''}`;
}

/** printk_formats lines: `0xffffffff81deb100 : "CPU_ON"` (the string is C-escaped). */
export function parsePrintkFormats(text: string): Map<bigint, string> {
  const out = new Map<bigint, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*0x([0-9a-fA-F]+)\s*:\s*"(.*)"\s*$/.exec(line);
    if (!m) continue;
    out.set(BigInt(`0x${m[1]}`), unescapeC(m[2]!));
  }
  return out;
}

export function unescapeC(s: string): string {
  return s.replace(/\\(n|t|r|\\|"|'|0|x[0-9a-fA-F]{1,2})/g, (_m, c: string) => {
    switch (c[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case 'x':
        return String.fromCharCode(parseInt(c.slice(1), 16));
      default:
        return c;
    }
  });
}

/** saved_cmdlines: one `pid comm` per line (comm may contain spaces). */
export function parseCmdlines(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s(.*)$/.exec(line);
    if (m) out.set(Number(m[1]), m[2]!);
  }
  return out;
}
