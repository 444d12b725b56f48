/**
 * Field spellings and radix. Users name probe fields freely (`start=`, `range_start=`, `addr=`, `address=`),
 * so a canonical name maps to the common spellings plus the user's own (AnalyzeOptions.fieldAliases).
 * The radix of a value comes from the probe definition's type or the tracepoint's TP_printk (reference §7.2),
 * never from the digits: `7f3a5c201000` printed by `%lx` is hex, `16` printed by `:u64` is decimal.
 */

import { utf8Text } from '../ingest/bytes';
import type { ProbeFieldType } from './probeCatalog';

export type CanonicalField =
  | 'start'
  | 'end'
  | 'event'
  | 'owner'
  | 'addr'
  | 'flags'
  | 'cpages'
  | 'npages'
  | 'ret'
  | 'mm'
  | 'faultPage'
  | 'pte'
  | 'origPte'
  | 'src0'
  | 'dst0'
  | 'size'
  | 'pfn';

const DEFAULT_ALIASES: Record<CanonicalField, string[]> = {
  start: ['start', 'range_start', 'rstart', 'addr_start', 'va_start'],
  end: ['end', 'range_end', 'rend', 'addr_end', 'va_end', 'limit'],
  event: ['event', 'ev', 'mn_event', 'range_event', 'event_type'],
  owner: ['owner', 'pgmap_owner', 'migrate_pgmap_owner', 'range_owner'],
  addr: ['addr', 'address', 'vaddr', 'va', 'fault_addr', 'fault_address'],
  flags: ['flags', 'range_flags'],
  cpages: ['cpages'],
  npages: ['npages'],
  ret: ['ret', 'retval', 'ret_val', 'rc', 'arg1'],
  mm: ['mm'],
  faultPage: ['fault_page'],
  pte: ['pte', 'pmd'],
  origPte: ['orig_pte'],
  src0: ['src0', 'src'],
  dst0: ['dst0', 'dst'],
  size: ['size', 'len', 'length'],
  pfn: ['pfn'],
};

/** Fields whose unprefixed values are hex on old kernels' untyped kprobe args (addresses and pointers). */
const POINTER_FIELDS = new Set<CanonicalField>(['start', 'end', 'owner', 'addr', 'mm', 'faultPage', 'pte', 'origPte', 'src0', 'dst0']);

export class FieldResolver {
  private readonly aliases: Record<CanonicalField, string[]>;

  constructor(user?: Record<string, string[]>) {
    const merged = {} as Record<CanonicalField, string[]>;
    for (const k of Object.keys(DEFAULT_ALIASES) as CanonicalField[]) {
      merged[k] = [...(user?.[k] ?? []), ...DEFAULT_ALIASES[k]];
    }
    this.aliases = merged;
  }

  /** The spellings of a canonical field, the user's first. */
  aliasesOf(name: CanonicalField): readonly string[] {
    return this.aliases[name];
  }

  /** The raw key used for a canonical field in these fields, if any. */
  key(fields: Record<string, string>, name: CanonicalField): string | undefined {
    for (const a of this.aliases[name]) if (fields[a] !== undefined) return a;
    return undefined;
  }

  raw(fields: Record<string, string>, name: CanonicalField): string | undefined {
    const k = this.key(fields, name);
    return k === undefined ? undefined : fields[k];
  }

  isPointer(name: CanonicalField): boolean {
    return POINTER_FIELDS.has(name);
  }
}

/** How to read a value without a definition: hex for tracepoints printing `%lx`, else by prefix/field. */
export type Radix = 'hex' | 'dec' | 'auto-pointer' | 'auto';

/** Parses an integer field as a bigint, honouring the probe type when known. */
export function parseBig(value: string, type: ProbeFieldType | undefined, radix: Radix): bigint | undefined {
  // `0x` and up to 16 hex digits, nothing else (MIGRATE_PFN entries, PTEs): hex whatever the type says
  if (value.length > 2 && value.charCodeAt(0) === 48 && value.charCodeAt(1) === 120) {
    const b = hexBig(value, 2);
    if (b !== undefined) return b;
  }
  let v = value.trim().replace(/,$/, '');
  if (v === '' || v === '(fault)') return undefined;
  const neg = v.startsWith('-');
  if (neg) v = v.slice(1);
  let out: bigint | undefined;
  const hasPrefix = /^0x/i.test(v);
  if (!hexDigits(type, radix, hasPrefix)) out = /^\d+$/.test(v) ? BigInt(v) : undefined;
  else if (hasPrefix) out = /^0x[0-9a-f]+$/i.test(v) ? BigInt(v) : undefined;
  else out = /^[0-9a-f]+$/i.test(v) ? BigInt(`0x${v}`) : undefined;
  if (out === undefined) return undefined;
  return neg ? -out : out;
}

/**
 * The same as parseBig but as a number, without BigInt for the common short values (addresses below
 * 2^52, counts, enum values); long values (kernel pointers, ~0UL) go through BigInt and may round.
 */
export function parseNumber(value: string, type: ProbeFieldType | undefined, radix: Radix): number | undefined {
  let v = value;
  if (v.length > 0 && (v.charCodeAt(v.length - 1) === 44 || v.charCodeAt(0) === 32)) v = v.trim().replace(/,$/, '');
  return numberIn(v, 0, v.length, type, radix, value);
}

/** parseNumber of the characters [start, stop) of `text`, without a string for them in the common case. */
export function parseNumberIn(text: string, start: number, stop: number, type: ProbeFieldType | undefined, radix: Radix): number | undefined {
  if (stop > start && (text.charCodeAt(stop - 1) === 44 || text.charCodeAt(start) === 32)) return parseNumber(text.slice(start, stop), type, radix);
  return numberIn(text, start, stop, type, radix, undefined);
}

/** Whether a number's digits are hex: a 0x prefix says so, a signed/unsigned probe type says decimal, else the type or radix. */
function hexDigits(type: ProbeFieldType | undefined, radix: Radix, hasPrefix: boolean): boolean {
  if (hasPrefix) return true;
  if (type && (type.kind === 'unsigned' || type.kind === 'signed')) return false;
  return (type !== undefined && type.kind === 'hex') || radix === 'hex' || radix === 'auto-pointer';
}

/** The digits of [start, stop) (already trimmed); `value`: the text as given, for the parseBig fallback. */
function numberIn(text: string, start: number, stop: number, type: ProbeFieldType | undefined, radix: Radix, value: string | undefined): number | undefined {
  const neg = start < stop && text.charCodeAt(start) === 45;
  const s = neg ? start + 1 : start;
  const hasPrefix = stop - s > 2 && text.charCodeAt(s) === 48 && (text.charCodeAt(s + 1) === 120 || text.charCodeAt(s + 1) === 88);
  const hex = hexDigits(type, radix, hasPrefix);
  const from = hasPrefix ? s + 2 : s;
  const len = stop - from;
  if (len === 0 || len > (hex ? 13 : 15)) {
    const b = parseBig(value ?? text.slice(start, stop), type, radix);
    return b === undefined ? undefined : toAddressSigned(b);
  }
  // at most 13 hex or 15 decimal digits: below 2^53, so accumulating digit by digit is exact (the same value
  // parseInt/Number give) and needs no substring or regular expression per field
  let n = 0;
  for (let i = from; i < stop; i++) {
    const d = digitValue(text.charCodeAt(i), hex);
    if (d < 0) return undefined;
    n = n * (hex ? 16 : 10) + d;
  }
  return neg ? -n : n;
}

/** parseNumberIn of the bytes [start, stop) of buf (a body a transient read left in its buffer). */
export function parseNumberInBytes(buf: Buffer, start: number, stop: number, type: ProbeFieldType | undefined, radix: Radix): number | undefined {
  if (stop > start && (buf[stop - 1] === 44 || buf[start] === 32)) return parseNumber(utf8Text(buf, start, stop), type, radix);
  const neg = start < stop && buf[start] === 45;
  const s = neg ? start + 1 : start;
  const hasPrefix = stop - s > 2 && buf[s] === 48 && (buf[s + 1] === 120 || buf[s + 1] === 88);
  const hex = hexDigits(type, radix, hasPrefix);
  const from = hasPrefix ? s + 2 : s;
  const len = stop - from;
  if (len === 0 || len > (hex ? 13 : 15)) {
    // the characters decide (a non-ASCII byte run is shorter in characters): the string path as is
    const text = utf8Text(buf, start, stop);
    return parseNumberIn(text, 0, text.length, type, radix);
  }
  let n = 0;
  for (let i = from; i < stop; i++) {
    const d = digitValue(buf[i], hex);
    if (d < 0) return undefined;
    n = n * (hex ? 16 : 10) + d;
  }
  return neg ? -n : n;
}

/**
 * A 64-bit value from its two 32-bit words, as one BigInt read from an 8-byte scratch (one allocation; the
 * `(BigInt(hi) << 32n) | BigInt(lo)` it replaces made four).
 */
const SCRATCH = new BigUint64Array(1);
const WORDS = new Uint32Array(SCRATCH.buffer);
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

function u64Of(hi: number, lo: number): bigint {
  WORDS[LO] = lo;
  WORDS[1 - LO] = hi;
  return SCRATCH[0];
}

/**
 * The hex digits of `text` from `from` to its end as a bigint, when they are 1 to 16 hex digits and nothing
 * else; undefined otherwise. Two exact words joined instead of trim, replace, a regular expression and BigInt
 * of a string (~450 ns): ~0.4 M PTEs and MIGRATE_PFN entries in a 256 MiB trace.
 */
export function hexBig(text: string, from: number): bigint | undefined {
  const n = text.length - from;
  if (n < 1 || n > 16) return undefined;
  const cut = text.length - Math.min(n, 8);
  let hi = 0;
  let lo = 0;
  for (let i = from; i < text.length; i++) {
    const d = digitValue(text.charCodeAt(i), true);
    if (d < 0) return undefined;
    if (i < cut) hi = hi * 16 + d;
    else lo = lo * 16 + d;
  }
  return u64Of(hi, lo);
}

/** hexBig of the bytes [from, to) of buf (1 to 16 hex digits and nothing else; else undefined). */
export function hexBigIn(buf: Uint8Array, from: number, to: number): bigint | undefined {
  const n = to - from;
  if (n < 1 || n > 16) return undefined;
  const cut = to - Math.min(n, 8);
  let hi = 0;
  let lo = 0;
  for (let i = from; i < to; i++) {
    const d = digitValue(buf[i], true);
    if (d < 0) return undefined;
    if (i < cut) hi = hi * 16 + d;
    else lo = lo * 16 + d;
  }
  return u64Of(hi, lo);
}

/** The value of one digit character, -1 when it is not a digit of that radix. */
function digitValue(c: number, hex: boolean): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (!hex) return -1;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function toAddressSigned(b: bigint): number {
  return Number(b);
}

/** A kernel pointer as `0x…` lower-case without leading zeros, without going through BigInt when printed with 0x. */
export function pointerText(value: string, type: ProbeFieldType | undefined, radix: Radix): string | undefined {
  const v = value.trim();
  if (isCanonicalPointer(v)) return v;
  if (/^0x[0-9a-f]+$/i.test(v)) {
    const d = v.slice(2).toLowerCase().replace(/^0+(?=.)/, '');
    return `0x${d}`;
  }
  return pointerString(parseBig(v, type, radix));
}

/** `0x` + lower-case hex digits without a leading zero (or `0x0`): already what pointerText returns. */
function isCanonicalPointer(v: string): boolean {
  if (v.length < 3 || v.charCodeAt(0) !== 48 || v.charCodeAt(1) !== 120) return false;
  if (v.charCodeAt(2) === 48 && v.length > 3) return false;
  for (let i = 2; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** A bigint as a JS number when exact (user addresses, counts), else undefined. */
export function toSafeNumber(b: bigint | undefined): number | undefined {
  if (b === undefined) return undefined;
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(b);
}

/** Kernel pointers as `0x…` lower-case strings (they do not fit a double). */
export function pointerString(b: bigint | undefined): string | undefined {
  if (b === undefined) return undefined;
  const u = b < 0n ? b + (1n << 64n) : b;
  return `0x${u.toString(16)}`;
}

/**
 * A kretprobe's return value as a signed number: `:s32` prints -11 already; `:x32`/`:x64` print the
 * two's-complement pattern, which the kernel means as a negative errno when in the top 4095 values.
 */
export function signedReturn(b: bigint | undefined, type: ProbeFieldType | undefined): number | undefined {
  if (b === undefined) return undefined;
  if (b >= 0n && type && type.kind === 'hex' && type.bits) {
    const bits = BigInt(type.bits);
    const top = 1n << bits;
    if (b >= top - 4095n && b < top) return Number(b - top);
  }
  return toSafeNumber(b);
}

/**
 * A kretprobe's return value: short decimal values (`ret=0`, `ret=-11`) printed untyped or as :s32/:u64 are
 * read directly; everything else (hex types, whose top values are negative errnos; long or odd values) goes
 * through parseBig and signedReturn.
 */
export function returnValue(v: string, type: ProbeFieldType | undefined): number | undefined {
  if ((type === undefined || type.kind === 'unsigned' || type.kind === 'signed') && v.length > 0 && v.length <= 15) {
    let i = v.charCodeAt(0) === 45 ? 1 : 0;
    if (i < v.length) {
      let n = 0;
      for (; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c < 48 || c > 57) break;
        n = n * 10 + (c - 48);
      }
      if (i === v.length) return v.charCodeAt(0) === 45 && n !== 0 ? -n : n;
    }
  }
  return signedReturn(parseBig(v, type, 'auto'), type);
}

/** The value of `0x` and 1 to 13 hex digits, nothing else; undefined for any other text. */
export function shortHex(t: string): number | undefined {
  if (t.length < 3 || t.length > 15 || t.charCodeAt(0) !== 48 || t.charCodeAt(1) !== 120) return undefined;
  let n = 0;
  for (let i = 2; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const l = c | 32;
    if (c >= 48 && c <= 57) n = n * 16 + (c - 48);
    else if (l >= 97 && l <= 102) n = n * 16 + (l - 87);
    else return undefined;
  }
  return n;
}
