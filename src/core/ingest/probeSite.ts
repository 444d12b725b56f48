/**
 * Probe sites as the kernel and the userspace tools print them:
 * - tracefs text (`seq_print_ip_sym` with sym-offset): `migrate_vma_setup+0x201/0x220`,
 *   `dmirror_interval_invalidate+0x0/0x100 [test_hmm]`, or without offset: `do_swap_page`;
 * - trace-cmd and perf render the format file's `"(%lx)"`: a raw address `ffffffff8120fc60`.
 */

import type { ProbeSite } from './types';

const HEX_ADDR = /^(?:0x)?[0-9a-f]{6,16}$/;
const HEX = /^[0-9a-fA-F]+$/;

export function parseProbeSite(text: string): ProbeSite | undefined {
  let s = text.trim();
  if (s.length === 0) return undefined;
  const site: ProbeSite = {};
  if (s.endsWith(']')) {
    const lb = s.lastIndexOf(' [');
    if (lb > 0) {
      site.module = s.slice(lb + 2, -1);
      s = s.slice(0, lb);
    }
  }
  if (s.indexOf(' ') !== -1) return undefined;
  if (HEX_ADDR.test(s)) {
    site.address = s.startsWith('0x') ? s.slice(2) : s;
    return site;
  }
  const plus = s.lastIndexOf('+0x');
  if (plus > 0) {
    const slash = s.indexOf('/', plus);
    const offText = s.slice(plus + 3, slash === -1 ? undefined : slash);
    if (!HEX.test(offText)) return undefined;
    site.symbol = shared(s.slice(0, plus));
    site.offset = Number.parseInt(offText, 16);
    if (slash !== -1) {
      const sizeText = s.slice(slash + 1).replace(/^0x/, '');
      if (!HEX.test(sizeText)) return undefined;
      site.size = Number.parseInt(sizeText, 16);
    }
    return site;
  }
  site.symbol = shared(s);
  return site;
}

/**
 * One string object per symbol: every head is parsed once, but one function is printed by many heads (a
 * kretprobe's callers), and the decoder looks the symbol up per event: a Map hit on the very key object needs
 * no compare of characters.
 */
function shared(symbol: string): string {
  let s = symbols.get(symbol);
  if (s === undefined) {
    if (symbols.size >= 65536) symbols.clear();
    symbols.set(symbol, symbol);
    s = symbol;
  }
  return s;
}

const symbols = new Map<string, string>();

export interface ProbeHead {
  kind: 'kprobe' | 'kretprobe';
  probe: ProbeSite;
  retFrom?: ProbeSite;
}

/**
 * Recognises the `(...)` head of a kprobe/fprobe/tprobe body; the fetchargs start at headArgsAt() after
 * it. `rawOrder` is true for trace-cmd and perf, whose kretprobe head is the format file's
 * `"(%lx <- %lx)", __probe_func, __probe_ret_ip` (callee first), while tracefs text prints `ret_ip <- func`
 * (caller first); either way `probe` is the return site (the caller) and `retFrom` the function that returned.
 *
 * Tracepoints whose TP_printk starts with `(%pS)` (kmalloc's `(call_site+0x84)`) are not probes: a text
 * probe head always carries `+off/size` or is a bare raw address.
 *
 * The result is shared (frozen sites, never mutated) and so is each site: a trace repeats a few probe sites
 * millions of times, so each head text is parsed once (no object is made per event).
 */
export function parseProbeHead(body: string, rawOrder: boolean): ProbeHead | undefined {
  if (body.charCodeAt(0) !== 40 /* ( */) return undefined;
  const close = body.indexOf(')');
  if (close < 2) return undefined;
  if (close + 1 < body.length && body.charCodeAt(close + 1) !== 32) return undefined;
  const inner = body.slice(1, close);
  const cache = rawOrder ? rawHeads : textHeads;
  let head = cache.get(inner);
  if (head === undefined) {
    if (cache.size >= HEAD_CACHE_MAX) cache.clear();
    head = parseHeadInner(inner, rawOrder) ?? null;
    cache.set(inner, head);
  }
  if (head === null) return undefined;
  argsAt = Math.min(close + 2, body.length);
  return head;
}

/** Where the fetchargs start in the body parseProbeHead() last recognised (just after `) `). */
export function headArgsAt(): number {
  return argsAt;
}

let argsAt = 0;
const HEAD_CACHE_MAX = 4096;
const textHeads = new Map<string, ProbeHead | null>();
const rawHeads = new Map<string, ProbeHead | null>();

function parseHeadInner(inner: string, rawOrder: boolean): ProbeHead | undefined {
  const arrow = inner.indexOf(' <- ');
  if (arrow !== -1) {
    const left = parseProbeSite(inner.slice(0, arrow));
    const right = parseProbeSite(inner.slice(arrow + 4));
    if (!left || !right) return undefined;
    Object.freeze(left);
    Object.freeze(right);
    return rawOrder ? { kind: 'kretprobe', probe: right, retFrom: left } : { kind: 'kretprobe', probe: left, retFrom: right };
  }
  const site = parseProbeSite(inner);
  if (!site) return undefined;
  if (site.address === undefined && site.size === undefined) return undefined;
  return { kind: 'kprobe', probe: Object.freeze(site) };
}
