/** `hmm-trace stats FILE [--json]`: the JSON contract, the human output and the exit codes. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliPath, fixture } from '../helpers';
import { tempTrace } from './helpers';

function run(...args: string[]) {
  return spawnSync(process.execPath, [cliPath(), 'stats', ...args], { encoding: 'utf8' });
}

test('stats --json prints exactly one JSON object with the contract keys, exact timestamps', () => {
  const r = run(fixture('traces', 'k6.1', 'munmap-tracecmd.txt'), '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['file', 'format', 'lines', 'events', 'unparsed', 'lostEvents', 'firstTs', 'lastTs', 'cpus', 'tasks', 'byName', 'unparsedSamples']);
  assert.equal(j.format, 'trace-cmd-report');
  assert.equal(j.firstTs, '41.761738000');
  assert.equal(j.lastTs, '41.774543000');
  assert.deepEqual(j.cpus, [1]); // every line of this capture is on [001]
  assert.equal(j.unparsed, 0);
  assert.equal(Object.values(j.byName as Record<string, number>).reduce((a, b) => a + b, 0), j.events);
  assert.equal((j.tasks as { events: number }[]).reduce((a, t) => a + t.events, 0), j.events);
});

test('stats human output names the format and accounts for every line', () => {
  const r = run(fixture('traces', 'k6.1', 'munmap-perf.txt'));
  assert.equal(r.status, 0);
  assert.match(r.stdout, /format {5}perf-script/);
  assert.match(r.stdout, /lines {6}127 = 127 parsed \+ 0 unparsed \+ 0 comment \+ 0 blank/);
  assert.match(r.stdout, /tlb:tlb_flush +24/);
});

test('stats exit 2 with one line on stderr: usage, missing file, not a trace (with file and line)', () => {
  const usage = run();
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /expected exactly one FILE/);
  const missing = run('/nonexistent/trace.txt');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read \/nonexistent\/trace.txt/);
  const p = tempTrace('hello\nworld\n');
  const bad = run(p);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.ok(bad.stderr.includes(`${p}:1: not a trace`), bad.stderr);
});
