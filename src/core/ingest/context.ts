/**
 * The context prefix of an ftrace / trace-cmd report line, parsed by scanning bytes:
 *
 *   kernel (trace_print_context):   "%16s-%-7d " ["(%7d) " | "(-------) "] "[%03d] " [flags] " %5lu.%06lu: "
 *   trace-cmd report:               "%16s-%-5d [%03d]" [" " flags] " %6.1000d:" (or -t ns, or counter "%12d:")
 *   latency format (both):          "%8.8s-%-7d %3d" flags glued to the CPU, then time
 *
 * A task name can hold spaces, '-', ':', '/', '.' and even '[' (it is whatever the task wrote to comm), so
 * the parse anchors on the first "[digits]" that is preceded by "-digits" (+ optional "(tgid)"), and takes
 * the LAST "-digits" before it as the pid (Perfetto's systrace tokenizer does the same).
 */

import {
  COLON,
  DASH,
  DOT,
  LBRACK,
  LPAREN,
  RBRACK,
  RPAREN,
  SP,
  TAB,
  indexOfByte,
  isDigit,
  lastTimestampIsCounter,
  parseTimestamp,
  skipSpaces,
} from './bytes';
import { wordAt } from './byteRun';

/** Mutable result reused for every line (no allocation per line). */
export class LineContext {
  commStart = 0;
  commEnd = 0;
  pid = 0;
  /** -1 when absent, 0 for `(-------)` (no tgid recorded for this pid). */
  tgid = -1;
  cpu = 0;
  flagsStart = 0;
  flagsEnd = 0;
  ts = 0;
  /** Whether the timestamp had a fractional part (secs.usecs) or was a raw counter. */
  counter = false;
  /** Where the timestamp starts (what is before it is the line's context prefix, see contextPrefix.ts). */
  timeStart = 0;
  /** Where the text after `ts: ` starts. */
  rest = 0;
}

function isFlagChar(c: number): boolean {
  return c === DOT || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Which scan read a bracket context (see bracketContext). */
export const enum ContextShape {
  None,
  /** The common shape (parseCommonContext): no tgid column, the line's first `[` is the CPU's. */
  Common,
  /** The general scan (parseAnyContext). */
  General,
}

/**
 * Parses `comm-pid [(tgid)] [cpu] [flags] ts: ` at the start of [start, end). Returns false when the line
 * has no such prefix.
 */
export function parseBracketContext(buf: Buffer, start: number, end: number, out: LineContext): boolean {
  return bracketContext(buf, start, end, out) !== ContextShape.None;
}

/** parseBracketContext, telling which scan read the line. */
export function bracketContext(buf: Buffer, start: number, end: number, out: LineContext): ContextShape {
  const r = parseCommonContext(buf, start, end, out);
  if (r === UNSURE) return parseAnyContext(buf, start, end, out) ? ContextShape.General : ContextShape.None;
  return r === 1 ? ContextShape.Common : ContextShape.None;
}

/** parseCommonContext's answer when the line is not of the common shape: the general scan decides. */
const UNSURE = -1;

/**
 * The common shape in one forward pass: the line's first `[` opens `[cpu]`, preceded by `-pid` and spaces
 * (no tgid column), then an optional flags token and a `secs[.frac]:` timestamp. 1 when parsed, 0 when the
 * line has no `[` at all (stack frames, half of the lines of a trace with stacks), UNSURE for anything else.
 * When it answers 1, parseAnyContext would pick the same `[` (the first one, and it qualifies) and read the
 * same tokens, so `out` is the same: context.test.ts checks both on every fixture line and on odd task names.
 * Why: the general path re-reads the flags and timestamp tokens after delimiting them (256 MiB, 3.3 M lines:
 * ~0.19 → ~0.1 s).
 */
function parseCommonContext(buf: Buffer, start: number, end: number, out: LineContext): number {
  let lb = start;
  while (lb < end && buf[lb] !== LBRACK) lb++;
  if (lb === end) return 0;
  let j = lb + 1;
  let cpu = 0;
  let c = 0;
  while (j < end && (c = buf[j]) >= 48 && c <= 57) {
    cpu = cpu * 10 + (c - 48);
    j++;
  }
  if (j === lb + 1 || j >= end || c !== RBRACK) return UNSURE;
  let k = lb - 1;
  if (k < start || ((c = buf[k]) !== SP && c !== TAB)) return UNSURE;
  while (k > start && ((c = buf[k - 1]) === SP || c === TAB)) k--;
  // k: just after the pid digits
  const pidEnd = k;
  let pid = 0;
  let mul = 1;
  while (k > start && (c = buf[k - 1]) >= 48 && c <= 57) {
    pid += (c - 48) * mul;
    mul *= 10;
    k--;
  }
  if (k === pidEnd || k <= start || buf[k - 1] !== DASH || pidEnd - k > 15) return UNSURE;
  const dash = k - 1;
  // flags: a run of flag characters ended by a space (a token ended by anything else is not flags)
  let p = j + 1;
  while (p < end && ((c = buf[p]) === SP || c === TAB)) p++;
  let q = p;
  while (q < end && isFlagChar(buf[q])) q++;
  let flagsStart = 0;
  let flagsEnd = 0;
  if (q > p && q < end && ((c = buf[q]) === SP || c === TAB)) {
    if (q - p > 7) return UNSURE;
    flagsStart = p;
    flagsEnd = q;
    p = q + 1;
    while (p < end && ((c = buf[p]) === SP || c === TAB)) p++;
  }
  if (!parseTimeAt(buf, p, end, out)) return UNSURE;
  out.commStart = skipSpaces(buf, start, dash);
  out.commEnd = dash;
  out.pid = pid;
  out.tgid = -1;
  out.cpu = cpu;
  out.flagsStart = flagsStart;
  out.flagsEnd = flagsEnd;
  return 1;
}

/**
 * The timestamp at p: digits, optionally '.' and 1+ digits (9 kept, as parseTimestamp), then ':' and a space
 * or the end of the line; sets ts, counter, timeStart and rest. The common shape's last step, also taken
 * alone after a context prefix seen before (contextPrefix.ts). Digits are read four at a time while the value
 * stays exact (below 2^53), which gives the same number as one at a time: `5000.000042:` is 3 words and 3
 * bytes instead of 12 bytes (~1.5 ns a byte).
 */
export function parseTimeAt(buf: Buffer, p: number, end: number, out: LineContext): boolean {
  let i = p;
  let secs = 0;
  let c = 0;
  let w = 0;
  while (i + 4 <= end && secs < EXACT_BEFORE_4 && isDigits4((w = wordAt(buf, i)))) {
    secs = secs * 10000 + digits4(w);
    i += 4;
  }
  while (i < end && (c = buf[i]) >= 48 && c <= 57) {
    secs = secs * 10 + (c - 48);
    i++;
  }
  if (i === p || i >= end) return false;
  let ts = secs;
  const counter = c === COLON;
  if (!counter) {
    if (c !== DOT) return false;
    i++;
    let frac = 0;
    let digits = 0;
    while (digits <= 5 && i + 4 <= end && isDigits4((w = wordAt(buf, i)))) {
      frac = frac * 10000 + digits4(w);
      digits += 4;
      i += 4;
    }
    while (i < end && (c = buf[i]) >= 48 && c <= 57) {
      if (digits < 9) {
        frac = frac * 10 + (c - 48);
        digits++;
      }
      i++;
    }
    if (digits === 0 || i >= end || c !== COLON) return false;
    ts = secs * 1e9 + frac * POW10[9 - digits];
  }
  // i: the ':'
  const t = i + 1;
  if (t < end && (c = buf[t]) !== SP && c !== TAB) return false;
  out.ts = ts;
  out.counter = counter;
  out.timeStart = p;
  out.rest = t < end ? t + 1 : t;
  return true;
}

/** Below this, secs * 10000 + 9999 is still an exact integer (2^53 / 10^4). */
const EXACT_BEFORE_4 = 900719925473;

/** Whether the 4 bytes of the little-endian word `w` are all ASCII digits. */
function isDigits4(w: number): boolean {
  return (w & 0xf0f0f0f0) === 0x30303030 && ((w + 0x06060606) & 0xf0f0f0f0) === 0x30303030;
}

/** The value of 4 ASCII digits in a little-endian word, the first byte most significant. */
function digits4(w: number): number {
  const d = w - 0x30303030;
  const pairs = (d * 10 + (d >>> 8)) & 0x00ff00ff;
  return (pairs & 0xff) * 100 + (pairs >>> 16);
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

/** The general scan: any `[` may be the CPU's (task names hold anything), the tgid column, odd tokens. */
export function parseAnyContext(buf: Buffer, start: number, end: number, out: LineContext): boolean {
  let from = start;
  while (true) {
    const lb = indexOfByte(buf, LBRACK, from, end);
    if (lb === -1) return false;
    from = lb + 1;
    // [digits]
    let j = lb + 1;
    let cpu = 0;
    while (j < end && isDigit(buf[j])) cpu = cpu * 10 + (buf[j++] - 48);
    if (j === lb + 1 || j >= end || buf[j] !== RBRACK) continue;
    // backwards: spaces, optional (tgid), spaces, digits, '-'
    let k = lb - 1;
    if (k < start || (buf[k] !== SP && buf[k] !== TAB)) continue;
    while (k >= start && (buf[k] === SP || buf[k] === TAB)) k--;
    let tgid = -1;
    if (k >= start && buf[k] === RPAREN) {
      const close = k;
      k--;
      while (k >= start && buf[k] !== LPAREN) k--;
      if (k < start) continue;
      tgid = parseTgid(buf, k + 1, close);
      if (tgid === -2) continue;
      k--;
      while (k >= start && (buf[k] === SP || buf[k] === TAB)) k--;
    }
    const pidEnd = k + 1;
    while (k >= start && isDigit(buf[k])) k--;
    if (k === pidEnd - 1 || k < start || buf[k] !== DASH) continue;
    let pid = 0;
    for (let i = k + 1; i < pidEnd; i++) pid = pid * 10 + (buf[i] - 48);
    out.commStart = skipSpaces(buf, start, k);
    out.commEnd = k;
    out.pid = pid;
    out.tgid = tgid;
    out.cpu = cpu;
    return parseFlagsAndTime(buf, j + 1, end, out);
  }
}

/** `(   123)` → 123, `(-------)` → 0, anything else → -2. */
function parseTgid(buf: Buffer, start: number, end: number): number {
  const s = skipSpaces(buf, start, end);
  if (s === end) return -2;
  if (buf[s] === DASH) {
    for (let i = s; i < end; i++) if (buf[i] !== DASH) return -2;
    return 0;
  }
  let v = 0;
  for (let i = s; i < end; i++) {
    if (!isDigit(buf[i])) return -2;
    v = v * 10 + (buf[i] - 48);
  }
  return v;
}

/** After `]`: optional flags token, then the timestamp token ending in ':' and a space (or end of line). */
function parseFlagsAndTime(buf: Buffer, from: number, end: number, out: LineContext): boolean {
  let p = skipSpaces(buf, from, end);
  let t = p;
  while (t < end && buf[t] !== SP && buf[t] !== TAB) t++;
  out.flagsStart = out.flagsEnd = 0;
  if (t > p && buf[t - 1] !== COLON) {
    // a flags token: 4 or 5 characters on kernels, up to 7 on PREEMPT_RT
    const n = t - p;
    if (n < 1 || n > 7) return false;
    for (let i = p; i < t; i++) if (!isFlagChar(buf[i])) return false;
    out.flagsStart = p;
    out.flagsEnd = t;
    p = skipSpaces(buf, t, end);
    t = p;
    while (t < end && buf[t] !== SP && buf[t] !== TAB) t++;
  }
  return parseTimeToken(buf, p, t, end, out);
}

function parseTimeToken(buf: Buffer, p: number, t: number, end: number, out: LineContext): boolean {
  if (t - p < 2 || buf[t - 1] !== COLON) return false;
  const ts = parseTimestamp(buf, p, t - 1);
  if (ts < 0) return false;
  out.ts = ts;
  out.counter = lastTimestampIsCounter();
  out.timeStart = p;
  out.rest = t < end ? t + 1 : t;
  return true;
}

/**
 * Latency format (`options/latency-format`, irqsoff/wakeup tracers, `trace-cmd report -l`):
 * `  <idle>-0       0d.h1. 106467.859747: function: ...` or `    <idle>-0       0d.s2    0us+: ...`.
 * The CPU is glued to the flags. Relative `Nus` times (latency tracers) are microseconds since the trace
 * start; they are returned as ns.
 */
export function parseLatencyContext(buf: Buffer, start: number, end: number, out: LineContext): boolean {
  // find "-digits<spaces>digits<flagchars>" : scan each '-' from the left, keep the last that works
  let from = start;
  while (true) {
    const dash = indexOfByte(buf, DASH, from, end);
    if (dash === -1) return false;
    from = dash + 1;
    let k = dash + 1;
    let pid = 0;
    const ps = k;
    while (k < end && isDigit(buf[k])) pid = pid * 10 + (buf[k++] - 48);
    if (k === ps || k >= end || buf[k] !== SP) continue;
    k = skipSpaces(buf, k, end);
    let cpu = 0;
    const cs = k;
    while (k < end && isDigit(buf[k])) cpu = cpu * 10 + (buf[k++] - 48);
    if (k === cs) continue;
    const fs = k;
    while (k < end && isFlagChar(buf[k])) k++;
    const fe = k;
    if (fe - fs < 4 || fe - fs > 7 || k >= end || buf[k] !== SP) continue;
    const p = skipSpaces(buf, k, end);
    let t = p;
    while (t < end && buf[t] !== SP && buf[t] !== TAB) t++;
    out.commStart = skipSpaces(buf, start, dash);
    out.commEnd = dash;
    out.pid = pid;
    out.tgid = -1;
    out.cpu = cpu;
    out.flagsStart = fs;
    out.flagsEnd = fe;
    if (parseTimeToken(buf, p, t, end, out)) return true;
    // relative "0us+:" / "17us :" (mark is one char; a space mark separates the ':' from "us")
    if (parseRelativeUs(buf, p, end, out)) return true;
  }
}

function parseRelativeUs(buf: Buffer, p: number, end: number, out: LineContext): boolean {
  let k = p;
  let us = 0;
  while (k < end && isDigit(buf[k])) us = us * 10 + (buf[k++] - 48);
  if (k === p || k + 3 > end || buf[k] !== 117 /* u */ || buf[k + 1] !== 115 /* s */) return false;
  k += 2;
  // optional delay mark: one of "+!#*@$" or a space
  if (k < end && buf[k] !== COLON) k++;
  if (k >= end || buf[k] !== COLON) return false;
  out.ts = us * 1000;
  out.counter = false;
  out.timeStart = p;
  out.rest = k + 1 < end && buf[k + 1] === SP ? k + 2 : k + 1;
  return true;
}
