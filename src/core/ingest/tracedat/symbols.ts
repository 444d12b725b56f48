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
  private hi: Uint32Array = new Uint32Array(0);
  private lo: Uint32Array = new Uint32Array(0);
  /** Name and module are kept as byte ranges of the kallsyms text and decoded on lookup. */
  private nameAt: Uint32Array = new Uint32Array(0);
  private nameEnd: Uint32Array = new Uint32Array(0);
  private modAt: Uint32Array = new Uint32Array(0);
  private modEnd: Uint32Array = new Uint32Array(0);
  private text: Buffer = Buffer.alloc(0);
  private n = 0;

  get count(): number {
    return this.n;
  }

  /**
   * Parses /proc/kallsyms bytes: `ffffffff81000000 T _stext` or `ffffffffc0200000 t name\t[module]`. Works
   * on bytes without a regex per line: the table has ~100k lines and is read on every open.
   */
  static parse(input: Buffer | string): Kallsyms {
    const t = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    const cap = 1 + (t.length >> 4);
    const hi = new Uint32Array(cap);
    const lo = new Uint32Array(cap);
    const na = new Uint32Array(cap);
    const ne = new Uint32Array(cap);
    const ma = new Uint32Array(cap);
    const me = new Uint32Array(cap);
    let n = 0;
    let p = 0;
    const len = t.length;
    while (p < len) {
      let eol = t.indexOf(10, p);
      if (eol < 0) eol = len;
      // address: up to 16 hex digits
      let h = 0;
      let l = 0;
      let digits = 0;
      let q = p;
      for (; q < eol; q++) {
        const c = t[q]!;
        const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
        if (v < 0) break;
        h = ((h << 4) | (l >>> 28)) >>> 0;
        l = ((l << 4) | v) >>> 0;
        digits++;
      }
      const type = t[q + 1];
      if (digits > 0 && digits <= 16 && t[q] === 32 && t[q + 2] === 32 && type !== 65 && type !== 97 && n < cap) {
        const nameStart = q + 3;
        let nameStop = nameStart;
        while (nameStop < eol && t[nameStop] !== 9 && t[nameStop] !== 32 && t[nameStop] !== 13) nameStop++;
        if (nameStop > nameStart) {
          hi[n] = h;
          lo[n] = l;
          na[n] = nameStart;
          ne[n] = nameStop;
          // `\t[module]` after the name (scan this line only)
          let open = nameStop;
          while (open < eol && t[open] !== 91) open++;
          if (open < eol) {
            let close = open + 1;
            while (close < eol && t[close] !== 93) close++;
            ma[n] = open + 1;
            me[n] = close;
          }
          n++;
        }
      }
      p = eol + 1;
    }
    const k = new Kallsyms();
    k.text = t;
    k.n = n;
    // /proc/kallsyms is mostly address-ordered; sort an index only when it is not
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (hi[i]! < hi[i - 1]! || (hi[i] === hi[i - 1] && lo[i]! < lo[i - 1]!)) sorted = false;
    if (sorted) {
      k.hi = hi.subarray(0, n);
      k.lo = lo.subarray(0, n);
      k.nameAt = na.subarray(0, n);
      k.nameEnd = ne.subarray(0, n);
      k.modAt = ma.subarray(0, n);
      k.modEnd = me.subarray(0, n);
      return k;
    }
    // sort by the 64-bit address as one double key: ties and near-ties are settled by the exact compare
    const key = new Float64Array(n);
    for (let i = 0; i < n; i++) key[i] = hi[i]! * 4294967296 + lo[i]!;
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) => key[a]! - key[b]! || hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
    const pick = (src: Uint32Array): Uint32Array => {
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
      return out;
    };
    k.hi = pick(hi);
    k.lo = pick(lo);
    k.nameAt = pick(na);
    k.nameEnd = pick(ne);
    k.modAt = pick(ma);
    k.modEnd = pick(me);
    return k;
  }

  private same(a: number, b: number): boolean {
    return this.hi[a] === this.hi[b] && this.lo[a] === this.lo[b];
  }

  /** Probe and call-site addresses repeat all through a trace: remember recent answers. */
  private cache = new Map<bigint, ResolvedSymbol | null>();

  /** Resolves an address to symbol+offset, or undefined when it lies outside every symbol. */
  lookup(addr: bigint): ResolvedSymbol | undefined {
    const hit = this.cache.get(addr);
    if (hit !== undefined) return hit ?? undefined;
    const r = this.find(addr);
    if (this.cache.size >= 8192) this.cache.clear();
    this.cache.set(addr, r ?? null);
    return r;
  }

  private find(addr: bigint): ResolvedSymbol | undefined {
    const n = this.n;
    if (n === 0) return undefined;
    const hi = Number((addr >> 32n) & 0xffffffffn);
    const lo = Number(addr & 0xffffffffn);
    // last index with (hi, lo) <= addr
    let a = 0;
    let b = n - 1;
    let found = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      const mh = this.hi[m]!;
      if (mh < hi || (mh === hi && this.lo[m]! <= lo)) {
        found = m;
        a = m + 1;
      } else b = m - 1;
    }
    if (found < 0) return undefined;
    // the symbol's extent ends at the next symbol with a higher address
    let next = found + 1;
    while (next < n && this.same(next, found)) next++;
    // several aliases share an address: kallsyms prints the first one listed at that address
    let first = found;
    while (first > 0 && this.same(first - 1, found)) first--;
    const offset = (hi - this.hi[first]!) * 4294967296 + (lo - this.lo[first]!);
    const size = next < n ? (this.hi[next]! - this.hi[first]!) * 4294967296 + (this.lo[next]! - this.lo[first]!) : offset + 1;
    // beyond the last symbol, or in a gap wider than any function: not a symbol
    if (next >= n && offset > 0xffff) return undefined;
    if (size > 0x10000000) return undefined;
    const symbol = this.text.toString('utf8', this.nameAt[first]!, this.nameEnd[first]!);
    const r: ResolvedSymbol = { symbol, offset, size };
    if (this.modEnd[first]! > this.modAt[first]!) r.module = this.text.toString('utf8', this.modAt[first]!, this.modEnd[first]!);
    return r;
  }
}

/** A probe site with both the resolved symbol (when known) and the raw address, as ProbeSite wants. */
export function probeSite(syms: Kallsyms, addr: bigint): ProbeSite {
  const address = addr.toString(16);
  const r = syms.lookup(addr);
  if (!r) return { address };
  // a fresh object per event: consumers may keep or annotate it
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
