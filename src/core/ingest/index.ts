/**
 * Trace ingestion: `readTrace` sniffs the format from the content and streams every line of the file
 * through that format's reader, delivering raw events in file order and returning what it saw.
 */

import { readTraceDat } from './tracedat';
import { FtraceTextParser } from './ftraceText';
import { runReader } from './reader';
import { sniffFormat, type SniffResult } from './sniff';
import type { EventSink, IngestSummary, ReadOptions } from './types';

export * from './types';
export { sniffFormat, sniffBytes, type SniffResult } from './sniff';

export async function readTrace(path: string, sink: EventSink, opts: ReadOptions = {}): Promise<IngestSummary> {
  const sniffed: SniffResult = await sniffFormat(path);
  switch (sniffed.format) {
    case 'trace-dat':
      return readTraceDat(path, sink, opts);
    case 'ftrace':
      return runReader(path, 'ftrace', sink, opts, (acc, o) => new FtraceTextParser(acc, o, 'ftrace'));
    case 'trace-cmd-report':
      return runReader(path, 'trace-cmd-report', sink, opts, (acc, o) => new FtraceTextParser(acc, o, 'tracecmd'));
    default:
      throw new Error(`reader for ${sniffed.format} not wired yet`);
  }
}
