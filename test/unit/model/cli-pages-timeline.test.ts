/** `hmm-trace pages` and `hmm-trace timeline`: the JSON contracts of issue 4, human output, usage errors. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cliPath, fixture } from '../helpers';

const FILE = fixture('traces', 'k6.1', 'double_migrate-ftrace.txt');

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('pages --json prints { file, pages: [{ as, page, events, states, final }] }', { skip: !existsSync(cliPath()) }, () => {
  const r = cli('pages', FILE, '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { file: string; pages: { as: number; page: string; events: number; states: string[]; final: string }[] };
  assert.equal(j.file, FILE);
  assert.equal(j.pages.length, 8);
  for (const p of j.pages) {
    assert.deepEqual(Object.keys(p), ['as', 'page', 'events', 'states', 'final']);
    assert.equal(p.as, 130);
    assert.match(p.page, /^0x7f829c9[bc][0-9a-f]000$/);
    assert.ok(p.events > 0);
    assert.deepEqual(p.states, ['system', 'migrating-to-device', 'device-private', 'migrating-to-system', 'unmapped']);
    assert.equal(p.final, 'unmapped');
  }
});

test('timeline --json prints intervals with 9-decimal timestamps and events with stable kinds', { skip: !existsSync(cliPath()) }, () => {
  const r = cli('timeline', FILE, '--page', '0x7f829c9bb123', '--as', '130', '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { as: number; page: string; intervals: { state: string; fromTs: string; toTs: string | null; line: number }[]; events: { line: number; ts: string; kind: string; summary: string }[] };
  assert.deepEqual(Object.keys(j), ['as', 'page', 'intervals', 'events']);
  assert.equal(j.page, '0x7f829c9bb000');
  assert.equal(j.as, 130);
  assert.deepEqual(j.intervals[0], { state: 'system', fromTs: '5.899325000', toTs: '5.899579000', line: 80 });
  assert.equal(j.intervals[j.intervals.length - 1].toTs, null);
  for (const i of j.intervals) assert.match(i.fromTs, /^\d+\.\d{9}$/);
  const kinds = new Set(j.events.map((e) => e.kind));
  for (const k of ['migrate-setup', 'migrate-pages', 'migrate-finalize', 'migration-pte-remove', 'invalidate-start', 'invalidate-end', 'cpu-fault']) assert.ok(kinds.has(k), k);
  for (const e of j.events) {
    assert.deepEqual(Object.keys(e), ['line', 'ts', 'kind', 'summary']);
    assert.match(e.ts, /^\d+\.\d{9}$/);
  }
});

test('human output is aligned and names states in words', { skip: !existsSync(cliPath()) }, () => {
  const p = cli('pages', FILE);
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /device-private → migrating to RAM/);
  const rows = p.out.split('\n').filter((l) => l.includes('0x7f829c9'));
  assert.equal(new Set(rows.map((l) => l.indexOf('0x7f829c9'))).size, 1, 'page column aligned');
  const t = cli('timeline', FILE, '--page', '0x7f829c9bb000');
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /system RAM/);
  assert.match(t.out, /migrating to device/);
});

test('--probes FILE gives definitions for a trace-cmd report (repeatable), bad input is a usage error', { skip: !existsSync(cliPath()) }, () => {
  const defs = fixture('traces', 'k6.1', '_guest-6.1-kprobe_events.txt');
  const r = cli('pages', fixture('traces', 'k6.1', 'double_migrate-tracecmd.txt'), '--probes', defs, '--probes', defs, '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal((JSON.parse(r.out) as { pages: unknown[] }).pages.length, 8);
  assert.equal(cli('pages', FILE, '--probes', '/nonexistent/defs').code, 2);
  assert.equal(cli('timeline', FILE).code, 2, '--page is required');
  assert.equal(cli('timeline', FILE, '--page', 'banana').code, 2);
  const none = cli('timeline', FILE, '--page', '0x1000');
  assert.equal(none.code, 2);
  assert.match(none.err, /no page 0x1000/);
  assert.equal(cli('pages', '/nonexistent/trace.txt').code, 2);
});
