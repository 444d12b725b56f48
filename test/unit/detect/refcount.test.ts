import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRules } from '../../../src/core/detect/rules';
import { BASE, FakeModel, PAGE } from './fakeModel';

function rules(m: FakeModel, id: string, thresholds = {}) {
  return runRules(m, { only: [id], thresholds });
}

test('pages-not-collected fires when selectable system pages were restored by the refcount check inside setup', () => {
  const m = new FakeModel();
  m.migration({ start: BASE, end: BASE + 8 * PAGE, setupTs: 10, setupRetTs: 20, finalizeTs: 40, direction: 'to-device', flags: 1, unmapped: 6 });
  // migrate_device_unmap's restore loop: remove_migration_pte for page 2 before setup returns
  const restore = m.ev({ kind: 'migration-pte-remove', ts: 15, addr: BASE + 2 * PAGE, fields: { pte: '8000000001fbe067' } });
  for (const p of [0, 1, 3, 4, 6, 7]) m.ev({ kind: 'migration-pte-remove', ts: 41 + p, addr: BASE + p * PAGE, fields: { pte: 'dfffffe060001000' } });
  const r = rules(m, 'refcount/pages-not-collected');
  assert.equal(r.findings.length, 1);
  const f = r.findings[0];
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /selected 8 page\(s\) but only 6/);
  // the restored page and the silently dropped (pinned) page 5 are named
  assert.deepEqual(f.pages, ['0x7f9adac4c000', '0x7f9adac4f000']);
  assert.ok(f.lines.includes(m.event(restore).line));
  assert.match(f.key, /^refcount\/pages-not-collected\|100\|0x7f9adac4a000-0x7f9adac52000\|\d+$/);
});

test('pages-not-collected stays quiet when the missing pages were already device-private under SELECT_SYSTEM', () => {
  const m = new FakeModel();
  // first migration moved 6 pages to the device (non-present PTEs at finalize)
  m.migration({ start: BASE, end: BASE + 8 * PAGE, setupTs: 10, setupRetTs: 20, finalizeTs: 40, direction: 'to-device', flags: 1, unmapped: 6 });
  for (const p of [0, 1, 3, 4, 6, 7]) m.ev({ kind: 'migration-pte-remove', ts: 41 + p, addr: BASE + p * PAGE, fields: { pte: 'dfffffe060001000' } });
  // retry: only the 2 pages still in RAM are selectable, and both were collected
  m.migration({ start: BASE, end: BASE + 8 * PAGE, setupTs: 100, setupRetTs: 110, finalizeTs: 120, direction: 'to-device', flags: 1, unmapped: 2 });
  for (const p of [2, 5]) m.ev({ kind: 'migration-pte-remove', ts: 121 + p, addr: BASE + p * PAGE, fields: { pte: 'dfffffe060001c00' } });
  const r = rules(m, 'refcount/pages-not-collected');
  assert.equal(r.findings.length, 1, 'only the first migration dropped selectable pages');
  assert.equal(r.findings[0].fromTs, 10_000);
});

test('pages-not-collected ignores pages already back in RAM under SELECT_DEVICE_PRIVATE (migrate to system after CPU faults)', () => {
  const m = new FakeModel();
  m.migration({ start: BASE, end: BASE + 4 * PAGE, setupTs: 10, finalizeTs: 20, direction: 'to-device', flags: 1, unmapped: 4 });
  for (let p = 0; p < 4; p++) m.ev({ kind: 'migration-pte-remove', ts: 21 + p, addr: BASE + p * PAGE, fields: { pte: 'dfffffe060001000' } });
  // a CPU fault migrated page 0 back (present PTE)
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 50, finalizeTs: 60, direction: 'to-system', flags: 2, trigger: 'migrate-to-ram', unmapped: 1 });
  m.ev({ kind: 'migration-pte-remove', ts: 61, addr: BASE, fields: { pte: '8000000001fce007' } });
  m.migration({ start: BASE, end: BASE + 4 * PAGE, setupTs: 100, finalizeTs: 120, direction: 'to-system', flags: 2, unmapped: 3 });
  assert.equal(rules(m, 'refcount/pages-not-collected').findings.length, 0);
});

test('pages-not-collected attributes a page lost to a concurrent migration by another task to the race, not to references', () => {
  const m = new FakeModel();
  m.states.set(`100|${BASE / PAGE}`, 'device-private');
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 10, finalizeTs: 30, direction: 'to-system', flags: 2, cpages: 0, pid: 174 });
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 12, finalizeTs: 25, direction: 'to-system', flags: 2, unmapped: 1, pid: 175 });
  assert.equal(rules(m, 'refcount/pages-not-collected').findings.length, 0);
});

test('pages-not-collected asks for the count when neither unmapped nor cpages was captured', () => {
  const m = new FakeModel();
  m.migration({ start: BASE, end: BASE + 2 * PAGE, setupTs: 10, direction: 'to-device' });
  const r = rules(m, 'refcount/pages-not-collected');
  assert.equal(r.findings.length, 0);
  assert.equal(r.missingEvidence.length, 1);
  assert.ok(r.missingEvidence[0].probes.some((p) => p.startsWith('r:hmm/mdev_unmap_ret migrate_device_unmap')));
});

test('move-mapping-eagain reports one finding per migration for nested -EAGAIN returns', () => {
  const m = new FakeModel();
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 10, finalizeTs: 30, direction: 'to-system', trigger: 'migrate-to-ram', unmapped: 1, eagain: 1 });
  m.ev({ kind: 'move-mapping-ret', ts: 20, ret: -11, func: 'folio_migrate_mapping' });
  m.ev({ kind: 'move-mapping-ret', ts: 21, ret: -11, func: 'migrate_folio_extra' });
  m.ev({ kind: 'move-mapping-ret', ts: 22, ret: 0, func: 'folio_migrate_mapping' });
  const r = rules(m, 'refcount/move-mapping-eagain');
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /-EAGAIN/);
  assert.match(r.findings[0].message, /migrate_to_ram/);
});

test('move-mapping-eagain notes the missing kretprobe when migrations exist but no move returns were captured', () => {
  const m = new FakeModel();
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 10, finalizeTs: 30, direction: 'to-device', unmapped: 1 });
  const r = rules(m, 'refcount/move-mapping-eagain');
  assert.equal(r.findings.length, 0);
  assert.match(r.missingEvidence[0].probes[0], /folio_migrate_mapping ret=\$retval:s32/);
});

test('long-migration-window uses the windowMs threshold and a settings override', () => {
  const m = new FakeModel();
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 0, finalizeTs: 60_000, direction: 'to-device', unmapped: 1 });
  m.migration({ start: BASE, end: BASE + PAGE, setupTs: 100_000, finalizeTs: 101_000, direction: 'to-device', unmapped: 1 });
  assert.equal(rules(m, 'refcount/long-migration-window').findings.length, 1);
  assert.equal(rules(m, 'refcount/long-migration-window', { 'refcount/long-migration-window.windowMs': 0.5 }).findings.length, 2);
});
