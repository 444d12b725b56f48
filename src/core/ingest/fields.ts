/**
 * Splitting an event body into fields, values as written.
 *
 * - `key=value` (TP_printk and kprobe fetchargs), `key:value` (tlb_flush's "pages:%d reason:%s" and
 *   friends): a value runs to the next space; words that follow without a key of their own belong to the
 *   value (`reason=flush on task switch (0)`), except the `==>` of sched_switch.
 * - `"quoted strings"` (kprobe `:string` args) keep their spaces, quotes removed; `{a,b,c}` arrays kept.
 * - A trailing comma is a separator (`mm=0xff11..., scan_pfn=...`), not part of the value.
 * - Syscall arguments `name: value, name: value` have their own splitter.
 */

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 /* _ */ || c === 36 /* $ */;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 /* . */ || c === 91 /* [ */ || c === 93 /* ] */;
}

/** Splits `key=value key:value ...` into `into`. Returns `into`. */
export function splitFields(body: string, into: Record<string, string>): Record<string, string> {
  const n = body.length;
  let i = 0;
  let lastKey: string | undefined;
  while (i < n) {
    while (i < n && body.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    // try a key
    let k = i;
    if (isKeyStart(body.charCodeAt(k))) {
      k++;
      while (k < n) {
        const c = body.charCodeAt(k);
        if (isKeyChar(c)) k++;
        else if (c === 45 /* - */ && body.charCodeAt(k + 1) === 62 /* > */) k += 2; // ARG->member
        else break;
      }
    }
    const sep = k > i && k < n ? body.charCodeAt(k) : 0;
    if (sep === 61 /* = */ || (sep === 58 /* : */ && k + 1 < n && body.charCodeAt(k + 1) !== 32)) {
      const key = keyOf(body, i, k);
      into[key] = readValue(body, k + 1);
      lastKey = key;
      i = valueEnd;
      continue;
    }
    // a bare word: continues the previous value (or is free text before any key)
    let e = i;
    while (e < n && body.charCodeAt(e) !== 32) e++;
    const word = body.slice(i, e);
    if (lastKey !== undefined && word !== '==>') {
      into[lastKey] = `${into[lastKey]} ${stripComma(word)}`;
    }
    if (word === '==>') lastKey = undefined;
    i = e;
  }
  return into;
}

function stripComma(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 44 ? s.slice(0, -1) : s;
}

/**
 * Field names repeat on every line of a probe: the same string object for the same name lets the engine
 * reuse its internalized key instead of hashing a new slice for every property store (a direct-mapped cache
 * by length and end characters; a collision just slices).
 */
const KEY_SLOTS = 1024;
const keySlots: (string | undefined)[] = new Array(KEY_SLOTS).fill(undefined);

function keyOf(body: string, i: number, k: number): string {
  const len = k - i;
  const slot = (len * 31 + body.charCodeAt(i) * 7 + body.charCodeAt(k - 1) * 3 + body.charCodeAt(i + (len >> 1))) & (KEY_SLOTS - 1);
  const hit = keySlots[slot];
  if (hit !== undefined && hit.length === len && body.startsWith(hit, i)) return hit;
  const key = body.slice(i, k);
  keySlots[slot] = key;
  return key;
}

/** Where the value readValue() just read ends (a module variable, so no pair is allocated per field). */
let valueEnd = 0;

function readValue(body: string, i: number): string {
  const n = body.length;
  const c = body.charCodeAt(i);
  if (c === 34 /* " */) {
    let e = i + 1;
    while (e < n && body.charCodeAt(e) !== 34) e += body.charCodeAt(e) === 92 /* \ */ ? 2 : 1;
    const v = body.slice(i + 1, Math.min(e, n));
    e = Math.min(e + 1, n);
    if (body.charCodeAt(e) === 44) e++;
    valueEnd = e;
    return v;
  }
  if (c === 123 /* { */) {
    const close = body.indexOf('}', i);
    const e = close === -1 ? n : close + 1;
    valueEnd = body.charCodeAt(e) === 44 ? e + 1 : e;
    return body.slice(i, e);
  }
  let e = i;
  while (e < n && body.charCodeAt(e) !== 32) e++;
  valueEnd = e;
  return body.charCodeAt(e - 1) === 44 && e > i ? body.slice(i, e - 1) : body.slice(i, e);
}

/** Syscall arguments as ftrace and libtraceevent print them: `fd: 4, cmd: c0284802, arg: 7ffc...`. */
export function splitSyscallArgs(args: string, into: Record<string, string>): Record<string, string> {
  for (const part of args.split(', ')) {
    const colon = part.indexOf(': ');
    if (colon <= 0) continue;
    into[part.slice(0, colon).trim()] = part.slice(colon + 2).trim();
  }
  return into;
}
