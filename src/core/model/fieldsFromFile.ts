/**
 * Raw fields and stacks of one event, re-read from the trace file at the event's byte offset instead of being
 * held in memory for every event of a large trace. The event's lines go through the same line parser that
 * read the file, so what comes back is exactly what the reader made then: same field splitter, same stack
 * attachment, even when other CPUs' lines sit between an event and its `<stack trace>`. The trace is opened
 * read-only and never modified.
 */

import { closeSync, openSync, readSync } from 'node:fs';
import { Accounting } from '../ingest/accounting';
import { textParser } from '../ingest';
import type { LineParser, ParserFactory } from '../ingest/reader';
import type { RawEvent, TraceFormat } from '../ingest/types';

/** Read size: one event line and a stack fit in the first read. */
const CHUNK = 16 * 1024;
/**
 * First read of an event without a stack: its one line (~100-300 bytes) fits, and a 1 KiB read costs ~1.5 µs
 * where 16 KiB cost ~4-6 µs (most of a read-back: detection reads back ~17k events at 1 GiB). A longer line
 * reads on in CHUNKs.
 */
const FIRST = 1024;
/** How far past the event to look for the rest of its lines (its stack may follow many lines of other CPUs). */
const MAX_SPAN = 8 * 1024 * 1024;

export class FieldsFromFile {
  private fd: number | undefined;
  private buf = Buffer.allocUnsafe(2 * CHUNK);
  private readonly parser: ParserFactory;
  /**
   * ftrace text and trace-cmd report: one parser for every read (making one costs more than reading an event).
   * Each read starts on an event line, which resets what the parser carries from line to line, and ends by
   * delivering whatever it still holds. Other formats keep state across lines (funcgraph nesting, perf
   * callchains): a fresh parser per read.
   */
  private reused?: { acc: Accounting; parser: LineParser };

  constructor(
    private readonly path: string,
    private readonly format: Exclude<TraceFormat, 'trace-dat'>,
  ) {
    this.parser = textParser(format);
  }

  private session(): { acc: Accounting; parser: LineParser } {
    if (this.reused) return this.reused;
    const acc = new Accounting(() => undefined);
    const s = { acc, parser: this.parser(acc, { fields: true }) };
    if (this.format === 'ftrace' || this.format === 'trace-cmd-report') this.reused = s;
    return s;
  }

  private handle(): number {
    if (this.fd === undefined) this.fd = openSync(this.path, 'r');
    return this.fd;
  }

  /** The event whose first line starts at `offset` and owns `lineCount` lines (its stack included). */
  read(offset: number, lineCount: number): { fields: Record<string, string>; stack?: string[] } {
    try {
      const ev = this.parse(offset, Math.max(1, lineCount));
      return ev ? { fields: ev.fields, stack: ev.stack } : { fields: {} };
    } catch {
      return { fields: {} };
    }
  }

  private parse(offset: number, lineCount: number): RawEvent | undefined {
    const { acc, parser } = this.session();
    try {
      return this.parseWith(acc, parser, offset, lineCount);
    } finally {
      acc.drain(true);
    }
  }

  private parseWith(acc: Accounting, parser: LineParser, offset: number, lineCount: number): RawEvent | undefined {
    let mine: RawEvent | undefined;
    let carry = 0; // bytes of an unfinished line at the front of buf
    let pos = offset; // file offset of buf[carry]
    let line = 0;
    while (pos - offset < MAX_SPAN) {
      if (this.buf.length < carry + CHUNK) {
        const grown = Buffer.allocUnsafe(2 * (carry + CHUNK));
        this.buf.copy(grown, 0, 0, carry);
        this.buf = grown;
      }
      const buf = this.buf;
      const n = readSync(this.handle(), buf, carry, pos === offset && lineCount === 1 ? FIRST : CHUNK, pos);
      const end = carry + n;
      const base = pos - carry; // file offset of buf[0]
      let s = 0;
      while (s < end) {
        let nl = buf.indexOf(10, s);
        if (nl === -1 || nl >= end) {
          if (n > 0) break; // an unfinished line: read on
          nl = end; // the file's last line
        }
        const e = nl > s && buf[nl - 1] === 13 ? nl - 1 : nl;
        parser.line(buf, s, e, ++line, base + s);
        if (line === 1) {
          mine = acc.oldestHeld();
          if (!mine) return undefined;
        }
        // done once every line the event owned when the file was read is back on it
        if (mine && mine.lineCount >= lineCount) return mine;
        s = nl + 1;
      }
      if (n === 0) break;
      carry = end - s;
      buf.copy(buf, 0, s, end);
      pos += n;
    }
    return mine;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
