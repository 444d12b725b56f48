import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRules } from '../../../src/core/detect/rules';
import { BASE, FakeModel, PAGE } from './fakeModel';

test('fault-livelock: 8+ migrate_to_ram attempts on one page without it leaving the device is an error', () => {
  const m = new FakeModel();
  for (let i = 0; i < 9; i++) m.ev({ kind: 'migrate-to-ram', ts: 100 + i * 50, addr: BASE + 0x10, pid: i % 2 ? 174 : 175 });
  const r = runRules(m, { only: ['refcount/fault-livelock'] });
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].severity, 'error');
  assert.match(r.findings[0].message, /9 CPU faults into migrate_to_ram by 2 task\(s\)/);
  assert.deepEqual(r.findings[0].pages, ['0x7f9adac4a000']);
});

test('fault-livelock: a few retries are information, a single fault is nothing', () => {
  const m = new FakeModel();
  for (let i = 0; i < 3; i++) m.ev({ kind: 'migrate-to-ram', ts: 100 + i, addr: BASE });
  m.ev({ kind: 'migrate-to-ram', ts: 200, addr: BASE + PAGE });
  const r = runRules(m, { only: ['refcount/fault-livelock'] });
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].severity, 'info');
});

test('fault-livelock: faults after the page went back to the device start a new episode', () => {
  const m = new FakeModel();
  m.ev({ kind: 'migrate-to-ram', ts: 100, addr: BASE });
  m.ev({ kind: 'migrate-to-ram', ts: 101, addr: BASE });
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 150, finalizeTs: 160, direction: 'to-device', unmapped: 1 });
  m.ev({ kind: 'migrate-to-ram', ts: 200, addr: BASE });
  m.ev({ kind: 'migrate-to-ram', ts: 201, addr: BASE });
  assert.equal(runRules(m, { only: ['refcount/fault-livelock'] }).findings.length, 0);
});

test('migration-entry-wait names the waiter and the task holding the migration window', () => {
  const m = new FakeModel();
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 100, finalizeTs: 2100, direction: 'to-system', unmapped: 1, pid: 175, comm: 'racer' });
  m.ev({ kind: 'migration-wait', ts: 200, addr: BASE, pid: 174 });
  m.ev({ kind: 'swap-fault-ret', ts: 2300, pid: 174 });
  const r = runRules(m, { only: ['refcount/migration-entry-wait'] });
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /hmmtrace-174 waited .* longest 2\.100 ms.* racer-175 held/);
  assert.equal(r.findings[0].severity, 'info');
  const strict = runRules(m, { only: ['refcount/migration-entry-wait'], thresholds: { 'refcount/migration-entry-wait.waitMs': 1 } });
  assert.equal(strict.findings[0].severity, 'warning');
});
