/**
 * Context prefixes seen before: the bytes of a line from its start to its timestamp
 * (`        hmmtrace-961     [000] d..2.  `), with what the common-shape scan read from them (task, pid, CPU,
 * flags) and the interned task name and flags.
 *
 * Why: a task prints many events in a row on one CPU, and the kernel pads comm, pid and CPU to fixed widths,
 * so most context lines repeat one of the last few prefixes byte for byte (bench trace: 72% the last one,
 * 98% one of the last 4, 99% one of the last 8). A word compare of the ~37 bytes replaces the byte scans of the comm, pid, CPU and
 * flags (about 1.5 ns a byte) and the two interner lookups of the task name and flags.
 *
 * Exact: parseCommonContext reads only the bytes before the timestamp to find the task, pid, CPU and flags,
 * then reads the timestamp with parseTimeAt. Equal bytes give the same reading, so a line that starts with a
 * kept prefix and has a timestamp right after it parses as the common shape would parse it (checked in
 * contextPrefix.test.ts against the plain parse on every fixture line). Only common-shape prefixes are kept.
 */

import { ByteRun, wordAt } from './byteRun';
import type { LineContext } from './context';

/** A kept prefix; offsets are from the line's start. */
export class KnownPrefix {
  /** The bytes from the line's start to its timestamp. */
  readonly run: ByteRun;
  /** The prefix's first 4 bytes as a word (a prefix has at least 7: `-1 [0] `): a frame line stops at it. */
  readonly head: number;
  /**
   * Its last 4 bytes as a word: kept prefixes mostly differ near their end (pid, CPU, flags) and share their
   * start (the padding and the task name), so a kept prefix that is not the line's mostly stops at it.
   */
  readonly tail: number;
  readonly commStart: number;
  readonly commEnd: number;
  readonly pid: number;
  readonly cpu: number;
  readonly flagsStart: number;
  readonly flagsEnd: number;

  /** The prefix of the line at `start` that `ctx` was read from (the common shape). */
  constructor(
    buf: Buffer,
    start: number,
    ctx: LineContext,
    readonly comm: string,
    /** The interned flags; undefined when the line has none. */
    readonly flags: string | undefined,
  ) {
    this.run = new ByteRun(buf, start, ctx.timeStart);
    this.head = wordAt(buf, start);
    this.tail = wordAt(buf, ctx.timeStart - 4);
    this.commStart = ctx.commStart - start;
    this.commEnd = ctx.commEnd - start;
    this.pid = ctx.pid;
    this.cpu = ctx.cpu;
    this.flagsStart = ctx.flagsStart - start;
    this.flagsEnd = ctx.flagsEnd - start;
  }

  /** Sets the context fields this prefix tells for a line starting at `start` (the time is parseTimeAt's). */
  apply(start: number, out: LineContext): void {
    out.commStart = start + this.commStart;
    out.commEnd = start + this.commEnd;
    out.pid = this.pid;
    out.tgid = -1;
    out.cpu = this.cpu;
    if (this.flags === undefined) {
      out.flagsStart = 0;
      out.flagsEnd = 0;
    } else {
      out.flagsStart = start + this.flagsStart;
      out.flagsEnd = start + this.flagsEnd;
    }
  }
}

/** How many prefixes are kept, most recently used first (8: 99% of the bench's context lines hit, 4: 98%). */
const KEPT = 8;

export class PrefixCache {
  private readonly kept: KnownPrefix[] = [];

  /** The kept prefix that bytes [start, end) begin with, leaving at least one byte after it; moved to the front. */
  find(buf: Buffer, start: number, end: number): KnownPrefix | undefined {
    const kept = this.kept;
    if (kept.length === 0 || start + 4 > end) return undefined;
    const head = wordAt(buf, start);
    for (let i = 0; i < kept.length; i++) {
      const p = kept[i];
      const n = p.run.length;
      if (p.head !== head || start + n >= end || wordAt(buf, start + n - 4) !== p.tail || !p.run.matches(buf, start)) continue;
      if (i > 0) {
        kept[i] = kept[0];
        kept[0] = p;
      }
      return p;
    }
    return undefined;
  }

  /** Keeps the prefix of the line at `start` that `ctx` was read from (the common shape), the oldest going. */
  keep(buf: Buffer, start: number, ctx: LineContext, comm: string, flags: string | undefined): void {
    const kept = this.kept;
    if (kept.length >= KEPT) kept.pop();
    kept.unshift(new KnownPrefix(buf, start, ctx, comm, flags));
  }
}
