import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRules } from '../../../src/core/detect/rules';
import { BASE, FakeModel, PAGE } from './fakeModel';

test('duplicate: the same CLEAR twice with nothing in between (second MADV_DONTNEED of an empty range)', () => {
  const m = new FakeModel();
  m.invalidation({ start: BASE, end: BASE + 4 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 100, endTs: 110, origin: 'madvise' });
  m.ev({ kind: 'tlb-flush', ts: 111 });
  m.invalidation({ start: BASE, end: BASE + 4 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 200, endTs: 210, origin: 'madvise' });
  m.invalidation({ start: BASE, end: BASE + 4 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 300, endTs: 310, origin: 'madvise' });
  const r = runRules(m, { only: ['invalidation/duplicate'] });
  // the first pair is separated by the tlb_flush of the first zap; the third repeats the second with nothing between
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].fromTs, 200_000);
  assert.match(r.findings[0].message, /CLEAR \[0x7f9adac4a000, 0x7f9adac4e000\) \(4 pages\) repeated 1 time\(s\) after 0\.000200000/);
});

test('duplicate: ranges are told apart by mm, event and bounds', () => {
  const m = new FakeModel();
  m.invalidation({ start: BASE, end: BASE + 4 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 100, endTs: 110, origin: 'madvise' });
  // the same bounds in another mm and other bounds in this mm are other ranges: they neither repeat nor end it
  m.invalidation({ as: 200, start: BASE, end: BASE + 4 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 150, endTs: 155, origin: 'madvise' });
  m.invalidation({ start: BASE + 100 * PAGE, end: BASE + 104 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 170, endTs: 175, origin: 'madvise' });
  m.invalidation({ start: BASE, end: BASE + 4 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 200, endTs: 210, origin: 'madvise' });
  m.invalidation({ as: 200, start: BASE, end: BASE + 4 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 250, endTs: 255, origin: 'madvise' });
  const r = runRules(m, { only: ['invalidation/duplicate'] });
  assert.deepEqual(
    r.findings.map((f) => [f.as, f.fromTs]).sort((a, b) => Number(a[1]) - Number(b[1])),
    [
      [100, 100_000],
      [200, 150_000],
    ],
  );
  // the same bounds with another event are another range (and an invalidation of the range: a change)
  const e = new FakeModel();
  e.invalidation({ start: BASE, end: BASE + 4 * PAGE, event: 'CLEAR', owner: '0x0', startTs: 100, endTs: 110, origin: 'madvise' });
  e.invalidation({ start: BASE, end: BASE + 4 * PAGE, event: 'UNMAP', owner: '0x0', startTs: 200, endTs: 210, origin: 'munmap' });
  assert.equal(runRules(e, { only: ['invalidation/duplicate'] }).findings.length, 0);
});

test('duplicate: a page-table change in between (fault, migration PTE, mprotect) makes it legitimate', () => {
  const m = new FakeModel();
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'EXCLUSIVE', owner: '0x0', startTs: 100 });
  m.ev({ kind: 'exclusive-one', ts: 101, addr: BASE });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'EXCLUSIVE', owner: '0x0', startTs: 200 });
  m.ev({ kind: 'migration-pte-remove', ts: 250, addr: BASE });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'EXCLUSIVE', owner: '0x0', startTs: 300 });
  assert.equal(runRules(m, { only: ['invalidation/duplicate'] }).findings.length, 0);
});

test('duplicate: a MIGRATE that starts a migration which collects pages is never a duplicate', () => {
  const m = new FakeModel();
  const a = m.migration({ start: BASE, end: BASE + PAGE, setupTs: 10, finalizeTs: 20, direction: 'to-device', cpages: 0 });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'MIGRATE', owner: '0x1', startTs: 11, migrationId: a.id });
  const b = m.migration({ start: BASE, end: BASE + PAGE, setupTs: 30, finalizeTs: 40, direction: 'to-system', unmapped: 1 });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'MIGRATE', owner: '0x1', startTs: 31, migrationId: b.id });
  assert.equal(runRules(m, { only: ['invalidation/duplicate'] }).findings.length, 0);
});

function mprotectTrace(oldProt: number, newProt: number) {
  const m = new FakeModel();
  m.ev({ kind: 'syscall', name: 'sys_mmap', ts: 10, fields: { addr: '0', len: '10000', prot: String(oldProt), flags: '22' } });
  m.ev({ kind: 'syscall-ret', name: 'sys_mmap', ts: 11, ret: BASE });
  m.ev({ kind: 'syscall', name: 'sys_mprotect', ts: 100, fields: { start: BASE.toString(16), len: '10000', prot: String(newProt) } });
  const cb = m.ev({ kind: 'driver-invalidate', ts: 102 });
  m.invalidation({ start: BASE, end: BASE + 16 * PAGE, event: 'PROTECTION_VMA', owner: '0x0', startTs: 101, endTs: 105, origin: 'mprotect', callbacks: [{ driver: 'dmirror', func: 'dmirror_interval_invalidate', eventId: cb }] });
  m.ev({ kind: 'change-protection-ret', ts: 106, ret: 16 });
  m.ev({ kind: 'syscall-ret', name: 'sys_mprotect', ts: 107, ret: 0 });
  return m;
}

test('permission-upgrade: mprotect R → RW invalidates although nothing was revoked', () => {
  const r = runRules(mprotectTrace(1, 3), { only: ['invalidation/permission-upgrade'] });
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].severity, 'warning');
  assert.match(r.findings[0].message, /mprotect\(READ → READ\|WRITE\) sent PROTECTION_VMA/);
  assert.match(r.findings[0].message, /dmirror_interval_invalidate tore down its mirror/);
});

test('permission-upgrade: a downgrade RW → R revokes write and is not reported', () => {
  assert.equal(runRules(mprotectTrace(3, 1), { only: ['invalidation/permission-upgrade'] }).findings.length, 0);
});

test('permission-upgrade asks for the mmap/mprotect syscalls when the old protection is unknown', () => {
  const m = new FakeModel();
  m.ev({ kind: 'syscall', name: 'sys_mprotect', ts: 100, fields: { start: BASE.toString(16), len: '1000', prot: '3' } });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'PROTECTION_VMA', owner: '0x0', startTs: 101 });
  const r = runRules(m, { only: ['invalidation/permission-upgrade'] });
  assert.equal(r.findings.length, 0);
  assert.match(r.missingEvidence[0].message, /previous protection of the range is unknown/);
});

test('unfiltered-own: a driver that receives its own MIGRATE and still invalidates its GPU mapping', () => {
  const m = new FakeModel();
  const owner = '0xffff888104b2c000';
  const mig = m.migration({ start: BASE, end: BASE + PAGE, setupTs: 10, finalizeTs: 40, direction: 'to-device', unmapped: 1, pgmapOwner: owner });
  const cb = m.ev({ kind: 'driver-invalidate', ts: 12, func: 'nouveau_svmm_invalidate_range_start' });
  const work = m.ev({ kind: 'driver-invalidate', ts: 13, func: 'nouveau_svmm_invalidate' });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'MIGRATE', owner, startTs: 11, endTs: 20, migrationId: mig.id, callbacks: [{ driver: 'nouveau', func: 'nouveau_svmm_invalidate_range_start', eventId: cb, ownEvent: true }] });
  const r = runRules(m, { only: ['invalidation/unfiltered-own'] });
  assert.equal(r.findings.length, 1);
  assert.ok(r.findings[0].lines.includes(m.event(work).line));
});

test('unfiltered-own: a filtered own MIGRATE (no device work) is quiet, and without work probes it asks for one', () => {
  const m = new FakeModel();
  const owner = '0xffff888104b2c000';
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 10, finalizeTs: 40, direction: 'to-device', unmapped: 1, pgmapOwner: owner });
  const cb = m.ev({ kind: 'driver-invalidate', ts: 12, func: 'nouveau_svmm_invalidate_range_start' });
  m.invalidation({ start: BASE, end: BASE + PAGE, event: 'MIGRATE', owner, startTs: 11, endTs: 20, callbacks: [{ driver: 'nouveau', func: 'nouveau_svmm_invalidate_range_start', eventId: cb, ownEvent: true }] });
  const r = runRules(m, { only: ['invalidation/unfiltered-own'] });
  assert.equal(r.findings.length, 0);
  assert.match(r.missingEvidence[0].probes[0], /nouveau_svmm_invalidate/);
});
