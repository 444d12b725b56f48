/** Switching .txt/.log files to the ftrace language: every real capture is recognised, other text is not. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { sniffTraceText } from '../../../src/extension/pure/traceSniff';
import { fixture } from '../helpers';

function head(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, 50);
}

test('every real text capture (ftrace, ftrace+stacks, function_graph, trace-cmd report, perf script) is a trace', () => {
  let n = 0;
  for (const dir of ['k6.1', 'k6.12']) {
    for (const name of readdirSync(fixture('traces', dir))) {
      if (!name.endsWith('.txt') || name.startsWith('_')) continue;
      const shape = sniffTraceText(head(fixture('traces', dir, name)));
      const expected = name.includes('funcgraph') ? 'function-graph' : name.includes('perf') ? 'perf-script' : name.includes('tracecmd') ? 'trace-cmd-report' : 'ftrace';
      assert.equal(shape, expected, name);
      n++;
    }
  }
  assert.ok(n >= 40, `${n} captures checked`);
});

test('trace_pipe output without the header is recognised by its line shape', () => {
  const lines = head(fixture('traces', 'k6.1', 'migrate_fault-ftrace.txt')).filter((l) => !l.startsWith('#'));
  assert.equal(sniffTraceText(lines), 'ftrace');
  const perf = head(fixture('traces', 'k6.1', 'migrate_fault-perf.txt'));
  assert.equal(sniffTraceText(perf), 'perf-script');
});

test('logs, probe definitions, markdown and an empty file stay what they are', () => {
  assert.equal(sniffTraceText(head(fixture('traces', 'k6.1', '_guest-6.1-dmesg.txt'))), undefined);
  assert.equal(sniffTraceText(head(fixture('traces', 'k6.1', '_guest-6.1-kprobe_events.txt'))), undefined);
  assert.equal(sniffTraceText(head(fixture('traces', 'k6.1', 'migrate_fault-ftrace.md'))), undefined);
  assert.equal(sniffTraceText(['']), undefined);
  assert.equal(sniffTraceText(['hello world', 'this is a log', '        hmmtrace-116     [001] .....     5.088164: tracing_mark_write: x', 'more log', 'and more']), undefined);
});

test('CRLF line endings do not hide a trace', () => {
  const crlf = head(fixture('traces', 'k6.1', 'migrate_fault-tracecmd.txt')).map((l) => `${l}\r`);
  assert.equal(sniffTraceText(crlf), 'trace-cmd-report');
});
