/**
 * Trace ingestion: `readTrace` sniffs the format from the content and streams every line of the file
 * through that format's reader, delivering raw events in file order and returning what it saw.
 */

import { readTraceDat } from './tracedat';
import { DmesgParser } from './dmesg';
import { FtraceTextParser } from './ftraceText';
import { FuncgraphTextParser } from './funcgraphText';
import { PerfScriptParser } from './perfScript';
import { type ParserFactory, runReader } from './reader';
import { sniffFormat, type SniffResult } from './sniff';
import type { EventSink, IngestSummary, ReadOptions, TraceFormat } from './types';

export * from './types';
export { sniffFormat, sniffBytes, type SniffResult } from './sniff';

export async function readTrace(path: string, sink: EventSink, opts: ReadOptions = {}): Promise<IngestSummary> {
  const sniffed: SniffResult = await sniffFormat(path);
  if (sniffed.format === 'trace-dat') return readTraceDat(path, sink, opts);
  const make = textParser(sniffed.format);
  return runReader(path, sniffed.format, sink, opts, make);
}

/** The line parser of a text format (also used to read one event back from its lines). */
export function textParser(format: Exclude<TraceFormat, 'trace-dat'>): ParserFactory {
  switch (format) {
    case 'ftrace':
      return (acc, o) => new FtraceTextParser(acc, o, 'ftrace');
    case 'trace-cmd-report':
      return (acc, o) => new FtraceTextParser(acc, o, 'tracecmd');
    case 'ftrace-function-graph':
      return (acc, o) => new FuncgraphTextParser(acc, o);
    case 'perf-script':
      return (acc, o) => new PerfScriptParser(acc, o);
    case 'dmesg':
      return (acc, o) => new DmesgParser(acc, o);
  }
}
