/**
 * Line accounting and event delivery shared by every text reader.
 *
 * Every line is exactly one of parsed / unparsed / comment / blank, so the four always sum to the line
 * count. Events go to the sink in file order through a small queue: a kernel stack (`<stack trace>` and
 * its ` => frame` lines) is a separate ring-buffer entry written right after the event it belongs to on
 * the same CPU, but the merged per-CPU output can put another CPU's lines in between, so the last event
 * of each CPU is held until that CPU prints its next event (or the queue grows past a bound).
 */

import { HeldQueue } from './heldQueue';
import { TextEvent } from './textEvent';
import type { EventSink, IngestSummary, LostEvents, RawEvent, TraceFormat, UnparsedSample } from './types';

const MAX_SAMPLES = 20;
const MAX_SAMPLE_CHARS = 500;
/** Events held waiting for a possible stack; past this the oldest is delivered anyway. */
export const MAX_PENDING = 4096;
const MAX_LOST_KEPT = 10000;

/** The counts and samples of one part of a file (see Accounting.part / join). */
export interface AccountingPart {
  parsedLines: number;
  unparsedLines: number;
  commentLines: number;
  blankLines: number;
  events: number;
  outOfOrder: number;
  lostEvents: number;
  lostLines: number;
  lost: LostEvents[];
  bufferStarts: { cpu: number; line: number }[];
  samples: UnparsedSample[];
  warnings: string[];
  firstTs: number | undefined;
  lastTs: number | undefined;
  firstOrderTs: number | undefined;
  prevTs: number;
}

export class Accounting {
  parsedLines = 0;
  unparsedLines = 0;
  commentLines = 0;
  blankLines = 0;
  events = 0;
  outOfOrder = 0;
  lostEvents = 0;
  lostLines = 0;
  lost: LostEvents[] = [];
  bufferStarts: { cpu: number; line: number }[] = [];
  samples: UnparsedSample[] = [];
  warnings: string[] = [];
  /**
   * The earliest and latest timestamps, kept in number fields (±Infinity for none yet): a field that starts
   * undefined holds a new heap number for every timestamp stored in it (a store per event).
   */
  private minTs = Infinity;
  private maxTs = -Infinity;
  private prevTs = -Infinity;
  /** The first timestamp in file order (for joining the parts of a parallel read). */
  private firstOrderTs: number | undefined;
  /** Events held for a stack that may follow, oldest first. */
  private readonly held = new HeldQueue<RawEvent>();
  /** The newest event of each CPU that is still held (cpu -1 for formats without CPUs). */
  private lastOfCpu = new LastOfCpu();

  /** `immediate`: deliver events at once (no stack attachment wanted, e.g. counting only). */
  constructor(
    private readonly sink: EventSink,
    private readonly immediate = false,
  ) {}

  unparsed(line: number, text: string, reason: string): void {
    this.unparsedLines++;
    if (this.samples.length < MAX_SAMPLES) {
      this.samples.push({ line, text: text.length > MAX_SAMPLE_CHARS ? text.slice(0, MAX_SAMPLE_CHARS) : text, reason });
    }
  }

  lostMarker(cpu: number, count: number | undefined, line: number): void {
    // the list is for showing where; past MAX_LOST_KEPT only the total keeps counting (bounded memory)
    if (this.lost.length < MAX_LOST_KEPT) this.lost.push({ cpu, count, line });
    this.lostLines++;
    if (count !== undefined) this.lostEvents += count;
  }

  get firstTs(): number | undefined {
    return this.minTs === Infinity ? undefined : this.minTs;
  }

  get lastTs(): number | undefined {
    return this.maxTs === -Infinity ? undefined : this.maxTs;
  }

  /** Queues an event; the caller has already counted its line as parsed. */
  event(ev: RawEvent): void {
    this.events++;
    const ts = ev.ts;
    if (ts >= 0) {
      if (ts < this.prevTs) this.outOfOrder++;
      if (this.firstOrderTs === undefined) this.firstOrderTs = ts;
      this.prevTs = ts;
      if (ts < this.minTs) this.minTs = ts;
      if (ts > this.maxTs) this.maxTs = ts;
    }
    if (this.immediate) {
      this.sink(ev);
      return;
    }
    const prev = this.lastOfCpu.swap(ev.cpu, ev);
    const held = this.held;
    const none = held.size === 0;
    held.push(ev);
    // common case with nothing held: still hold `ev` for a stack that may follow
    if (prev !== undefined || !none) this.drain(false);
  }

  /** The oldest event still held (the first one queued, until it is delivered). */
  oldestHeld(): RawEvent | undefined {
    return this.held.peek();
  }

  /** The event a stack printed on `cpu` belongs to, if still held. */
  stackOwner(cpu: number): RawEvent | undefined {
    return this.lastOfCpu.get(cpu);
  }

  /** Delivers held events that can no longer receive a stack (or all of them at the end). */
  drain(all: boolean): void {
    const held = this.held;
    let ev: RawEvent | undefined;
    while ((ev = held.peek()) !== undefined) {
      if (!all && this.lastOfCpu.get(ev.cpu) === ev && held.size <= MAX_PENDING) break;
      held.shift();
      if (this.lastOfCpu.get(ev.cpu) === ev) this.lastOfCpu.swap(ev.cpu, undefined);
      this.sink(ev);
    }
  }

  /** Detaches the held events whose text is still bytes of `buf` (TextEvent.detach), before `buf` is refilled. */
  detachHeld(buf: Buffer): void {
    const held = this.held;
    for (let i = 0; i < held.size; i++) {
      const ev = held.at(i);
      if (ev instanceof TextEvent) ev.detach(buf);
    }
  }

  /** What this accounting saw, to be joined onto the accounting of the part of the file before it. */
  part(): AccountingPart {
    return {
      parsedLines: this.parsedLines,
      unparsedLines: this.unparsedLines,
      commentLines: this.commentLines,
      blankLines: this.blankLines,
      events: this.events,
      outOfOrder: this.outOfOrder,
      lostEvents: this.lostEvents,
      lostLines: this.lostLines,
      lost: this.lost,
      bufferStarts: this.bufferStarts,
      samples: this.samples,
      warnings: this.warnings,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      firstOrderTs: this.firstOrderTs,
      prevTs: this.prevTs,
    };
  }

  /**
   * Joins the accounting of the next part of the file (read by another thread) as if its lines had come
   * through here: its line numbers move by `lineOffset`, the lists keep their caps, and an event of the next
   * part earlier than the last one here counts as out of order, as a single read would have counted it.
   */
  join(p: AccountingPart, lineOffset: number): void {
    this.drain(true);
    this.parsedLines += p.parsedLines;
    this.unparsedLines += p.unparsedLines;
    this.commentLines += p.commentLines;
    this.blankLines += p.blankLines;
    this.events += p.events;
    this.outOfOrder += p.outOfOrder + (p.firstOrderTs !== undefined && p.firstOrderTs < this.prevTs ? 1 : 0);
    this.lostEvents += p.lostEvents;
    this.lostLines += p.lostLines;
    for (const l of p.lost) if (this.lost.length < MAX_LOST_KEPT) this.lost.push({ ...l, line: l.line + lineOffset });
    for (const b of p.bufferStarts) if (this.bufferStarts.length < 10000) this.bufferStarts.push({ ...b, line: b.line + lineOffset });
    for (const u of p.samples) if (this.samples.length < MAX_SAMPLES) this.samples.push({ ...u, line: u.line + lineOffset });
    for (const w of p.warnings) if (!this.warnings.includes(w)) this.warnings.push(w);
    if (p.firstTs !== undefined && p.firstTs < this.minTs) this.minTs = p.firstTs;
    if (p.lastTs !== undefined && p.lastTs > this.maxTs) this.maxTs = p.lastTs;
    if (this.firstOrderTs === undefined) this.firstOrderTs = p.firstOrderTs;
    if (p.firstOrderTs !== undefined) this.prevTs = p.prevTs;
  }

  summary(file: string, format: TraceFormat, formatDetail: string, lines: number): IngestSummary {
    this.drain(true);
    const s: IngestSummary = {
      file,
      format,
      formatDetail,
      clock: 'ns',
      bytes: 0,
      lines,
      parsedLines: this.parsedLines,
      unparsedLines: this.unparsedLines,
      commentLines: this.commentLines,
      blankLines: this.blankLines,
      events: this.events,
      unparsedSamples: this.samples,
      overlongLines: 0,
      lost: this.lost,
      lostEvents: this.lostEvents,
      outOfOrder: this.outOfOrder,
      warnings: this.warnings,
      cancelled: false,
    };
    if (this.firstTs !== undefined) s.firstTs = this.firstTs;
    if (this.lastTs !== undefined) s.lastTs = this.lastTs;
    if (this.bufferStarts.length > 0) s.bufferStarts = this.bufferStarts;
    if (this.lostLines > this.lost.length) this.warnings.push(`${this.lostLines} LOST lines; the first ${this.lost.length} are listed`);
    return s;
  }
}

/**
 * The newest held event per CPU: an array indexed by cpu + 1 (CPU numbers are small; -1 for formats without
 * CPUs), a Map for numbers beyond it. Three Map operations per event cost ~0.1 s at 1.5 M events.
 */
class LastOfCpu {
  private readonly small: (RawEvent | undefined)[] = new Array<RawEvent | undefined>(SMALL_CPUS).fill(undefined);
  private readonly large = new Map<number, RawEvent>();

  get(cpu: number): RawEvent | undefined {
    const i = cpu + 1;
    return i >= 0 && i < SMALL_CPUS ? this.small[i] : this.large.get(cpu);
  }

  /** Sets the event of `cpu` (undefined: none held) and returns the one it replaces. */
  swap(cpu: number, ev: RawEvent | undefined): RawEvent | undefined {
    const i = cpu + 1;
    if (i >= 0 && i < SMALL_CPUS) {
      const prev = this.small[i];
      this.small[i] = ev;
      return prev;
    }
    const prev = this.large.get(cpu);
    if (ev === undefined) this.large.delete(cpu);
    else this.large.set(cpu, ev);
    return prev;
  }
}

const SMALL_CPUS = 1024;
