/** trace-cmd trace.dat reader (v6 and v7). Owned by the trace.dat work (issue 8). */

import { TraceInputError, type EventSink, type IngestSummary, type ReadOptions } from '../types';

export async function readTraceDat(path: string, _sink: EventSink, _opts: ReadOptions = {}): Promise<IngestSummary> {
  throw new TraceInputError('trace.dat files are recognised but not readable in this build; convert with `trace-cmd report` first', path);
}
