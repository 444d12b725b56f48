import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRules } from '../../../src/core/detect/rules';
import { BASE, FakeModel, PAGE } from './fakeModel';

const THP = 0x7f2dbe400000;
const MB2 = 2 * 1024 * 1024;

test('split-clear: a 2 MiB CLEAR right after __split_huge_pmd (freeze=0) that a mirror handled is a warning', () => {
  const m = new FakeModel();
  const split = m.ev({ kind: 'thp-split', ts: 100, addr: THP + 0x100000, func: '__split_huge_pmd', fields: { freeze: '0' } });
  const cb = m.ev({ kind: 'driver-invalidate', ts: 102, start: THP, end: THP + MB2 });
  m.invalidation({ start: THP, end: THP + MB2, event: 'CLEAR', owner: '0x0', startTs: 101, endTs: 110, callbacks: [{ driver: 'dmirror', func: 'dmirror_interval_invalidate', eventId: cb, ret: 1 }] });
  const r = runRules(m, { only: ['invalidation/split-clear'] });
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].severity, 'warning');
  assert.match(r.findings[0].message, /__split_huge_pmd at 0x7f2dbe500000 sent CLEAR \[0x7f2dbe400000, 0x7f2dbe600000\) \(512 pages\)/);
  assert.ok(r.findings[0].lines.includes(m.event(split).line));
});

test('split-clear: the same CLEAR with no mirror callback while callbacks were captured elsewhere is information', () => {
  const m = new FakeModel();
  m.ev({ kind: 'thp-split', ts: 100, addr: THP + 0x8a5000 - 0x800000, fields: { freeze: '0' } });
  m.invalidation({ start: THP, end: THP + MB2, event: 'CLEAR', owner: '0x0', startTs: 101 });
  const cb = m.ev({ kind: 'driver-invalidate', ts: 300 });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'UNMAP', owner: '0x0', startTs: 299, callbacks: [{ driver: 'dmirror', func: 'dmirror_interval_invalidate', eventId: cb }] });
  const r = runRules(m, { only: ['invalidation/split-clear'] });
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].severity, 'info');
});

test('split-clear leaves freeze=1 splits inside a migration to self-during-migration', () => {
  const m = new FakeModel();
  m.migration({ start: THP + 0x10000, end: THP + 0x20000, setupTs: 50, setupRetTs: 300, finalizeTs: 400, direction: 'to-device', unmapped: 16 });
  m.ev({ kind: 'thp-split', ts: 100, addr: THP, fields: { freeze: '1' } });
  m.invalidation({ start: THP, end: THP + MB2, event: 'CLEAR', owner: '0x0', startTs: 101 });
  m.invalidation({ start: THP, end: THP + MB2, event: 'CLEAR', owner: '0x0', startTs: 120 });
  assert.equal(runRules(m, { only: ['invalidation/split-clear'] }).findings.length, 0);
  const self = runRules(m, { only: ['invalidation/self-during-migration'] });
  assert.equal(self.findings.length, 1);
  assert.equal(self.findings[0].severity, 'info');
  assert.match(self.findings[0].message, /2 CLEAR invalidation\(s\) owner NULL inside its own migration/);
  assert.match(self.findings[0].message, /from a THP split/);
});

test('self-during-migration ignores CLEARs of other tasks and the migration\'s own MIGRATE', () => {
  const m = new FakeModel();
  m.migration({ start: BASE, end: BASE + 4 * PAGE, setupTs: 50, finalizeTs: 400, direction: 'to-device', unmapped: 4 });
  m.invalidation({ start: BASE, end: BASE + 4 * PAGE, event: 'MIGRATE', owner: '0xffffffffc0006440', startTs: 60 });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'CLEAR', owner: '0x0', startTs: 100, pid: 999 });
  assert.equal(runRules(m, { only: ['invalidation/self-during-migration'] }).findings.length, 0);
});

test('no-op-migration: a MIGRATE invalidation whose migration collected 0 pages, grouped per range', () => {
  const m = new FakeModel();
  const mig = m.migration({ start: BASE, end: BASE + 8 * PAGE, setupTs: 10, finalizeTs: 20, direction: 'to-device', flags: 1, cpages: 0 });
  m.invalidation({ start: BASE, end: BASE + 8 * PAGE, event: 'MIGRATE', owner: '0xffffffffc0006440', startTs: 11, migrationId: mig.id });
  const ok = m.migration({ start: BASE, end: BASE + 8 * PAGE, setupTs: 100, finalizeTs: 120, direction: 'to-system', flags: 2, unmapped: 8 });
  m.invalidation({ start: BASE, end: BASE + 8 * PAGE, event: 'MIGRATE', owner: '0xffffffffc0006440', startTs: 101, migrationId: ok.id });
  const r = runRules(m, { only: ['invalidation/no-op-migration'] });
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].severity, 'info');
  assert.match(r.findings[0].message, /collected 0 of 8 page\(s\) after a full MIGRATE invalidation/);
});

test('no-op-migration: the same single page migrated for nothing 8 times is a MIGRATE storm warning', () => {
  const m = new FakeModel();
  for (let i = 0; i < 8; i++) {
    const mig = m.migration({ start: BASE, end: BASE + PAGE, setupTs: 10 + i * 10, finalizeTs: 15 + i * 10, direction: 'to-system', flags: 2, trigger: 'migrate-to-ram', cpages: 0 });
    m.invalidation({ start: BASE, end: BASE + PAGE, event: 'MIGRATE', owner: '0xffffffffc0006440', startTs: 11 + i * 10, migrationId: mig.id });
  }
  const r = runRules(m, { only: ['invalidation/no-op-migration'] });
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].severity, 'warning');
  assert.match(r.findings[0].title, /storm/);
});
