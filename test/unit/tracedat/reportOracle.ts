/**
 * `trace-cmd report -t` text as a test oracle: the expected events of a trace.dat. Checked-in copies
 * (test/fixtures/tracedat/*.report-t.txt.gz) make the tests independent of trace-cmd; when trace-cmd is
 * installed, liveReport() runs it on the same file so converted and hand-built files are checked too.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { formatTs, type RawEvent } from '../../../src/core/ingest/types';

export interface ReportLine {
  comm: string;
  pid: number;
  cpu: number;
  /** secs.nsecs as printed by `-t` */
  ts: string;
  name: string;
  body: string;
}

const LINE = /^\s*(.*)-(\d+)\s+\[(\d+)\]\s+(\d+\.\d{9}):\s(\S+):\s*(.*)$/;

export function parseReport(text: string): ReportLine[] {
  const out: ReportLine[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    out.push({ comm: m[1]!, pid: Number(m[2]), cpu: Number(m[3]), ts: m[4]!, name: m[5]!, body: m[6]! });
  }
  return out;
}

export function checkedInReport(path: string): ReportLine[] {
  return parseReport(gunzipSync(readFileSync(path)).toString('utf8'));
}

export function traceCmdAvailable(): boolean {
  return ['/usr/bin/trace-cmd', '/usr/local/bin/trace-cmd'].some((p) => existsSync(p));
}

export function liveReport(file: string): ReportLine[] {
  const text = execFileSync('trace-cmd', ['report', '-t', '-i', file], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  return parseReport(text.toString('utf8'));
}

/** Our event as trace-cmd report prints it: trace_marker writes are `print: tracing_mark_write: text`. */
export function asReportLine(e: RawEvent): ReportLine {
  const marker = e.kind === 'marker';
  return {
    comm: e.comm,
    pid: e.pid,
    cpu: e.cpu,
    ts: formatTs(e.ts),
    name: marker ? 'print' : e.name,
    body: marker ? `${e.name}: ${e.body}` : e.body,
  };
}
