/**
 * Trace ingestion: `readTrace` sniffs the format from the content and streams every line of the file
 * through that format's reader, delivering raw events in file order and returning what it saw.
 */

import { readTraceDat } from './tracedat';
import { DmesgParser } from './dmesg';
import { FtraceTextParser } from './ftraceText';
import { FuncgraphTextParser } from './funcgraphText';
import { PerfScriptParser } from './perfScript';
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
    case 'ftrace-function-graph':
      return runReader(path, 'ftrace-function-graph', sink, opts, (acc, o) => new FuncgraphTextParser(acc, o));
    case 'perf-script':
      return runReader(path, 'perf-script', sink, opts, (acc, o) => new PerfScriptParser(acc, o));
    case 'dmesg':
      return runReader(path, 'dmesg', sink, opts, (acc, o) => new DmesgParser(acc, o));
  }
}
