/**
 * The frame every text reader runs in: stream the lines, let the format's line parser classify each one,
 * and turn the accounting into an IngestSummary with the stream's own findings (CRLF, NUL, invalid UTF-8,
 * overlong and truncated lines) as warnings.
 */

import { Accounting } from './accounting';
import { forEachLine, type LineReadResult } from './lineReader';
import { EMPTY_FIELDS } from './textEvent';
import type { EventSink, IngestSummary, RawEvent, ReadOptions, TraceFormat } from './types';

export interface LineParser {
  line(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void;
  /** Called once after the last line (flush open state). */
  finish(): void;
  /** What was recognised, for `IngestSummary.formatDetail`. */
  detail(): string;
  tracer?: string;
  declaredCpus?: number;
  /** true when timestamps were raw counter values. */
  counter: boolean;
  /** Transient reads: `buf` is about to be refilled; events still holding its bytes must copy them. */
  release?(buf: Buffer): void;
}

export type ParserFactory = (acc: Accounting, opts: ReadOptions) => LineParser;

export async function runReader(
  path: string,
  format: TraceFormat,
  sink: EventSink,
  opts: ReadOptions,
  make: ParserFactory,
): Promise<IngestSummary> {
  const acc = new Accounting(sink, opts.bodies === false);
  const parser = make(acc, opts);
  const release = parser.release;
  const res = await forEachLine(
    path,
    (buf, s, e, lineNo, offset) => parser.line(buf, s, e, lineNo, offset),
    opts.transient === true && release !== undefined ? { ...opts, onRefill: (buf) => release.call(parser, buf) } : opts,
  );
  parser.finish();
  return readerSummary(path, format, opts, acc, parser, res);
}

/** The IngestSummary of a finished read: the accounting, the parser's findings and the stream's warnings. */
export function readerSummary(
  path: string,
  format: TraceFormat,
  opts: ReadOptions,
  acc: Accounting,
  parser: LineParser,
  res: LineReadResult,
): IngestSummary {
  const summary = acc.summary(path, format, parser.detail(), res.lines);
  summary.bytes = res.bytes;
  summary.overlongLines = res.overlongLines;
  summary.cancelled = res.cancelled;
  if (parser.tracer !== undefined) summary.tracer = parser.tracer;
  if (parser.declaredCpus !== undefined) summary.declaredCpus = parser.declaredCpus;
  if (parser.counter) summary.clock = 'counter';
  const w = summary.warnings;
  if (res.crlfLines > 0) w.push(`${res.crlfLines} line(s) end in CRLF (\\r removed before parsing)`);
  if (res.firstNulLine > 0) w.push(`NUL bytes in the file (first at line ${res.firstNulLine})`);
  if (res.invalidUtf8) w.push('the file is not valid UTF-8; invalid bytes are shown as U+FFFD');
  if (res.overlongLines > 0) {
    w.push(`${res.overlongLines} line(s) longer than ${opts.maxLineBytes ?? 1 << 20} bytes were cut at the cap`);
  }
  if (res.truncatedLastLine) w.push(`the last line (${res.lines}) has no newline: the file may be truncated`);
  if (summary.outOfOrder > 0) {
    w.push(`${summary.outOfOrder} event(s) have a timestamp earlier than the event before (file order kept)`);
  }
  if (acc.lostLines > 0) w.push(`lost events reported on ${acc.lostLines} line(s)`);
  return summary;
}

/**
 * A fresh event with every property of RawEvent, the optional ones undefined (one hidden class for every event
 * of a reader: the decoder and the store read them monomorphically). Readers assign, never add or delete.
 */
export function newEvent(line: number, offset: number, ts: number, cpu: number, pid: number, comm: string, withFields: boolean): RawEvent {
  return {
    line,
    offset,
    lineCount: 1,
    ts,
    cpu,
    pid,
    comm,
    name: '',
    kind: 'tracepoint',
    body: '',
    fields: withFields ? {} : EMPTY_FIELDS,
    tgid: undefined,
    flags: undefined,
    system: undefined,
    probe: undefined,
    retFrom: undefined,
    parent: undefined,
    graph: undefined,
    message: undefined,
    driver: undefined,
    stack: undefined,
  };
}
