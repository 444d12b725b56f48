/**
 * Page states before a migration, from the migrations' own finalize PTE lines (remove_migration_pte): present
 * means the page is back in system RAM, not present means the device-private entry. A page migrated back and
 * forth all through a long capture gets one step per migration, so the lookup is a binary search; steps pushed
 * out of time order (two tasks' migrations interleaving) must still give the replay-order answer.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Facts } from '../../../src/core/detect/facts';
import { PageStates } from '../../../src/core/detect/pagestate';
import { FakeModel } from './fakeModel';

const PAGE = 0x7f0000000000;
const VPN = PAGE / 4096;
/** x86 PTEs as remove_migration_pte prints them: bit 0 (_PAGE_PRESENT) set for a page in RAM. */
const PRESENT = '8000000123456867';
const DEVICE_ENTRY = '3e8c2';

test('a page migrated to the device and back 40 times: its state before each migration is the previous one\'s outcome', () => {
  const model = new FakeModel();
  const ms = [];
  for (let i = 0; i < 40; i++) {
    const t = 1000 + i * 100;
    const toDevice = i % 2 === 0;
    ms.push(model.migration({ start: PAGE, end: PAGE + 4096, setupTs: t, setupRetTs: t + 5, finalizeTs: t + 20, direction: toDevice ? 'to-device' : 'to-system' }));
    model.ev({ kind: 'migration-pte-remove', ts: t + 30, addr: PAGE, fields: { pte: toDevice ? DEVICE_ENTRY : PRESENT } });
  }
  const pages = new PageStates(model, new Facts(model));
  assert.equal(pages.stateBefore(model.as, VPN, ms[0].setupTs, ms[0].setupId), 'unknown', 'nothing proven before the first migration');
  for (let i = 1; i < ms.length; i++) {
    const expected = i % 2 === 1 ? 'device-private' : 'system';
    assert.equal(pages.stateBefore(model.as, VPN, ms[i].setupTs, ms[i].setupId), expected, `before migration ${i}`);
  }
});

test('steps pushed out of time order (interleaved tasks) give the last preceding step in replay order', () => {
  const model = new FakeModel();
  // three tasks migrate the page with overlapping windows; steps are replayed in setup order (A, B, C) but their
  // finalize PTE lines come at 30, 70 and 50 µs
  model.migration({ pid: 100, start: PAGE, end: PAGE + 4096, setupTs: 10, setupRetTs: 11, finalizeTs: 25, direction: 'to-system' });
  model.migration({ pid: 200, start: PAGE, end: PAGE + 4096, setupTs: 20, setupRetTs: 21, finalizeTs: 65, direction: 'to-device' });
  model.migration({ pid: 300, start: PAGE, end: PAGE + 4096, setupTs: 22, setupRetTs: 23, finalizeTs: 45, direction: 'to-device' });
  model.ev({ kind: 'migration-pte-remove', ts: 30, pid: 100, addr: PAGE, fields: { pte: PRESENT } });
  model.ev({ kind: 'migration-pte-remove', ts: 50, pid: 300, addr: PAGE, fields: { pte: DEVICE_ENTRY } });
  model.ev({ kind: 'migration-pte-remove', ts: 70, pid: 200, addr: PAGE, fields: { pte: DEVICE_ENTRY } });
  const pages = new PageStates(model, new Facts(model));
  assert.equal(pages.stateBefore(model.as, VPN, 60_000, 1e9), 'device-private', 'steps at 30 and 50 µs precede: the one replayed last (50)');
  assert.equal(pages.stateBefore(model.as, VPN, 40_000, 1e9), 'system', 'only the 30 µs step precedes');
  assert.equal(pages.stateBefore(model.as, VPN, 20_000, 1e9), 'unknown', 'none precedes');
});
