/**
 * Every real capture in test/fixtures/traces: `stats` must count each event name exactly as an independent,
 * deliberately naive line count does (one regex per format, written here without the reader's code), with
 * no unparsed line and every line accounted for.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../helpers';
import { traceStats } from '../../../src/core/ingest/stats';
import { readTrace } from '../../../src/core/ingest/index';

function captures(): string[] {
  const out: string[] = [];
  for (const k of ['k6.1', 'k6.12']) {
    const dir = fixture('traces', k);
    for (const f of readdirSync(dir)) if (f.endsWith('.txt') && !f.startsWith('_summary') && !/_guest-.*-(available|kprobe|probes|uname)/.test(f)) out.push(join(dir, f));
  }
  return out.sort();
}

/** Independent count: a simple regex per line, per format (names as printed). */
function grepCount(file: string): { format: string; byName: Map<string, number> } {
  const text = readFileSync(file, 'utf8');
  const byName = new Map<string, number>();
  const inc = (n: string) => byName.set(n, (byName.get(n) ?? 0) + 1);
  const name = file.split('/').pop() as string;
  let format: string;
  if (name.includes('funcgraph')) {
    format = 'ftrace-function-graph';
    for (const l of text.split('\n')) {
      if (l.startsWith('#') || l.trim() === '') continue;
      if (/\(\)( \{|;)$/.test(l)) inc('funcgraph');
      else if (/\|\s+\}( \/\*.*\*\/)?$/.test(l)) inc('funcgraph_exit');
      else if (/\|\s+\/\*.*\*\/$/.test(l)) inc('tracing_mark_write');
    }
  } else if (name.includes('tracecmd')) {
    format = 'trace-cmd-report';
    for (const l of text.split('\n')) {
      const m = /\[\d{3}\]\s+\d+\.\d+: (\w+):/.exec(l);
      if (m) inc(m[1]);
    }
  } else if (name.includes('perf')) {
    format = 'perf-script';
    for (const l of text.split('\n')) {
      const m = /\[\d{3}\]\s+\d+\.\d+:\s+(\w+:\w+):/.exec(l);
      if (m) inc(m[1]);
    }
  } else if (name.includes('dmesg')) {
    format = 'dmesg';
    for (const l of text.split('\n')) {
      if (!/^\[\s*\d+\.\d+\] /.test(l)) continue;
      inc(/\] (test_hmm|HMM test module|added new \d+ MB chunk)/.test(l) ? 'test_hmm' : 'kernel');
    }
  } else {
    format = 'ftrace';
    for (const l of text.split('\n')) {
      const m = /\] \S{5}\s+\d+\.\d+: ([\w<]+)/.exec(l);
      if (m && m[1] !== '<stack') inc(m[1]);
    }
  }
  return { format, byName };
}

for (const file of captures()) {
  const short = file.split('/traces/')[1];
  test(`stats on real capture ${short}: counts by name equal an independent grep, nothing unparsed`, async () => {
    const { stats, parsed, comments, blank } = await traceStats(file);
    const expected = grepCount(file);
    assert.equal(stats.format, expected.format);
    assert.equal(stats.unparsed, 0, JSON.stringify(stats.unparsedSamples.slice(0, 3)));
    assert.deepEqual(new Map(Object.entries(stats.byName)), new Map([...expected.byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))));
    assert.equal(parsed + stats.unparsed + comments + blank, stats.lines);
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(stats.lines, lines[lines.length - 1] === '' ? lines.length - 1 : lines.length);
    assert.ok(stats.events > 0);
  });
}

test('stack traces in the real ftracestack captures attach to the event on the same CPU, even when another CPU interleaves', async () => {
  const file = fixture('traces', 'k6.1', 'pinned-ftracestack.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  const stackLines = lines.filter((l) => l.includes('<stack trace>')).length;
  let withStack = 0;
  let frames = 0;
  const cpuOfLine = (n: number) => Number(/\[(\d{3})\]/.exec(lines[n - 1])?.[1]);
  await readTrace(file, (ev) => {
    if (!ev.stack) return;
    withStack++;
    frames += ev.stack.length;
    assert.notEqual(ev.name, 'kernel_stack');
    assert.equal(ev.cpu, cpuOfLine(ev.line));
  });
  assert.equal(withStack, stackLines);
  assert.equal(frames, lines.filter((l) => l.startsWith(' => ')).length);
});

test('function_graph real capture: exits are matched with their entry (function, depth, start)', async () => {
  const file = fixture('traces', 'k6.1', 'migrate_fault-funcgraph.txt');
  let exits = 0;
  let matched = 0;
  await readTrace(file, (ev) => {
    if (ev.kind !== 'funcgraph-exit') return;
    exits++;
    if (ev.graph?.startTs !== undefined) {
      matched++;
      assert.ok(ev.graph.func.length > 0);
      assert.ok(ev.graph.startTs <= ev.ts);
    }
  });
  assert.ok(exits > 100);
  assert.equal(matched, exits);
});
