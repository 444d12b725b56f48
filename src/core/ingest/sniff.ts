/**
 * Recognises a trace's format from its first 64 KiB: the content decides, never the file name.
 *
 * Binary formats by magic: trace.dat (`\x17\x08\x44tracing`), perf.data (`PERFILE2`, which needs
 * `perf script` first). Text formats by the lines themselves: headers (`# tracer:`, `cpus=`) and what
 * the first few hundred non-comment lines look like. A file whose lines belong to two formats, or to none,
 * is refused with a message saying what was seen and where.
 */

import { open } from 'node:fs/promises';
import { LineContext, parseBracketContext, parseLatencyContext } from './context';
import { TraceInputError, type TraceFormat } from './types';

export interface SniffResult {
  format: TraceFormat;
  /** One line saying what was recognised, e.g. `trace-cmd report (cpus=2 preamble)`. */
  reason: string;
}

const SNIFF_BYTES = 64 * 1024;
const SNIFF_LINES = 400;
const TRACE_DAT_MAGIC = Buffer.from([0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]);

type Family = 'ftrace' | 'trace-cmd-report' | 'perf-script' | 'ftrace-function-graph' | 'dmesg' | 'raw';

const LABEL: Record<Family, string> = {
  ftrace: 'ftrace text',
  'trace-cmd-report': 'trace-cmd report',
  'perf-script': 'perf script',
  'ftrace-function-graph': 'function_graph',
  dmesg: 'kernel log (dmesg/journalctl)',
  raw: 'ftrace raw/hex/bin output',
};

export const PERF_LINE = /^\s*\S.*?\s+\d+(?:\/\d+)?\s+\[\d+\]\s+\d+(?:\.\d+)?:\s+(?:\d+\s+)?[\w.-]+:[\w.-]+:(?:\s|$)/;
export const GRAPH_LINE = /^\s*(?:\d+\.\d+ \|\s+)?\d+\)\s/;
export const DMESG_LINE = /^(?:\[\s*\d+\.\d+\]|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: |\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] )/;
const RAW_LINE = /^\s*\d+ \d+ \d+ \S/;

export async function sniffFormat(path: string): Promise<SniffResult> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  return sniffBytes(path, head);
}

/** The decision on the first bytes of a file (exported for tests). */
export function sniffBytes(path: string, head: Buffer): SniffResult {
  if (head.length === 0) throw new TraceInputError('empty file: nothing to read', path);
  if (head.subarray(0, TRACE_DAT_MAGIC.length).equals(TRACE_DAT_MAGIC)) {
    const version = head[TRACE_DAT_MAGIC.length];
    return { format: 'trace-dat', reason: `trace-cmd trace.dat (magic \\x17\\x08\\x44tracing, version ${String.fromCharCode(version)})` };
  }
  if (head.subarray(0, 8).toString('latin1') === 'PERFILE2') {
    throw new TraceInputError('perf.data binary: convert it with `perf script -i FILE > FILE.txt` and open the text', path);
  }
  const counts = new Map<Family, { n: number; first: number }>();
  const add = (f: Family, line: number): void => {
    const c = counts.get(f);
    if (c) c.n++;
    else counts.set(f, { n: 1, first: line });
  };
  const text = head.toString('utf8');
  const lines = text.split('\n');
  if (head.length === SNIFF_BYTES) lines.pop(); // possibly cut
  let tracer: string | undefined;
  let cpusLine = false;
  let padded = 0;
  let looked = 0;
  let binary = 0;
  const ctx = new LineContext();
  for (let i = 0; i < lines.length && looked < SNIFF_LINES; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (hasControlBytes(line)) binary++;
    const t = line.trimStart();
    if (t.startsWith('#')) {
      const m = /^# tracer: (\S+)/.exec(t);
      if (m) tracer = m[1];
      continue;
    }
    looked++;
    if (/^cpus=\d+$/.test(t) || /^version = \S+$/.test(t)) {
      cpusLine = true;
      continue;
    }
    if (/^CPU:\d+ \[/.test(t) || /^CPU \d+ is empty$/.test(t) || t.startsWith('=>')) continue;
    if (DMESG_LINE.test(line)) add('dmesg', i + 1);
    else if (GRAPH_LINE.test(line) || /^-{20,}$/.test(t)) add('ftrace-function-graph', i + 1);
    else {
      const b = Buffer.from(line, 'utf8');
      if (parseBracketContext(b, 0, b.length, ctx)) {
        const rest = b.toString('utf8', ctx.rest);
        // trace-cmd pads event names to 20 columns: "name:   body"; tracefs prints exactly one space
        if (/^\S+: {2,}\S/.test(rest) || /^funcgraph_(?:entry|exit):/.test(rest)) padded++;
        add('ftrace', i + 1);
      } else if (PERF_LINE.test(line)) add('perf-script', i + 1);
      else if (parseLatencyContext(b, 0, b.length, ctx)) add('ftrace', i + 1);
      else if (RAW_LINE.test(line)) add('raw', i + 1);
    }
  }
  if (binary > 0 && counts.size === 0) {
    throw new TraceInputError('binary file that is not a trace (no text lines of any known trace format)', path);
  }
  if (counts.has('raw') && counts.size === 1) {
    throw new TraceInputError('ftrace raw/hex/bin output (options/raw) is not supported: record with options/raw off', path);
  }
  counts.delete('raw');
  const families = [...counts.entries()].sort((a, b) => b[1].n - a[1].n);
  if (families.length > 1) {
    const seen = families.map(([f, c]) => `${LABEL[f]} (${c.n} lines, first at line ${c.first})`).join(' and ');
    throw new TraceInputError(`file mixes formats: ${seen}; split it into one file per format`, path, families[1][1].first);
  }
  if (families.length === 0) {
    if (tracer === 'function_graph') return { format: 'ftrace-function-graph', reason: 'function_graph header, no events' };
    if (tracer !== undefined) return { format: 'ftrace', reason: `ftrace header (tracer ${tracer}), no events` };
    if (cpusLine) return { format: 'trace-cmd-report', reason: 'trace-cmd report preamble, no events' };
    const first = lines.find((l) => l.trim() !== '') ?? '';
    throw new TraceInputError(
      `not a trace: no line looks like ftrace, trace-cmd report, perf script, function_graph or dmesg (first line: ${JSON.stringify(first.slice(0, 80))})`,
      path,
      1,
    );
  }
  const [family] = families[0];
  if (family === 'ftrace') {
    if (cpusLine || padded > 0) {
      return { format: 'trace-cmd-report', reason: cpusLine ? 'trace-cmd report (cpus= preamble)' : 'trace-cmd report (padded event names)' };
    }
    return { format: 'ftrace', reason: tracer ? `ftrace text (# tracer: ${tracer})` : 'ftrace text (no header: trace_pipe or a cut)' };
  }
  if (family === 'ftrace-function-graph') return { format: family, reason: 'function_graph text (CPU) column)' };
  if (family === 'perf-script') return { format: family, reason: 'perf script text (comm pid [cpu] time: sys:event:)' };
  return { format: 'dmesg', reason: 'kernel log lines ([seconds] or journalctl -k)' };
}

/** NUL and the C0 controls other than tab/newline/CR/FF: text traces never carry them. */
function hasControlBytes(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) return true;
  }
  return false;
}
