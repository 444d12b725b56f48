/**
 * Facts.nextOfTask walks each asked kind's list of every task from the event on, up to the best answer so far,
 * and takes the task's own list of a kind when that walk runs long. Its answer must be the brute-force one: the
 * task's first fact event of one of the kinds after the event, whatever the interleaving of other tasks.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DomainKind } from '../../../src/core/model/types';
import { Facts } from '../../../src/core/detect/facts';
import { FakeModel } from './fakeModel';
import { seededRandom } from '../helpers';

const KINDS: DomainKind[] = ['swap-fault', 'swap-fault-ret', 'migration-wait', 'cpu-fault', 'migrate-to-ram'];

test('nextOfTask: the task\'s first event of the kinds after the event, through long runs of other tasks', () => {
  const r = seededRandom(3);
  const model = new FakeModel();
  const evs: { id: number; pid: number; kind: DomainKind }[] = [];
  for (let i = 0; i < 3000; i++) {
    // task 1 is rare (long walks through others' events), tasks 2..9 common
    const pid = r() < 0.02 ? 1 : 2 + Math.floor(r() * 8);
    const kind = KINDS[Math.floor(r() * KINDS.length)];
    evs.push({ id: model.ev({ kind, ts: 1000 + i, pid, addr: 0x7f0000000000 }), pid, kind });
  }
  const facts = new Facts(model);
  const asks: DomainKind[][] = [['swap-fault-ret'], ['swap-fault-ret', 'migrate-to-ram', 'swap-fault', 'cpu-fault'], ['cpu-fault', 'migration-wait']];
  for (let q = 0; q < 600; q++) {
    const from = evs[Math.floor(r() * evs.length)];
    const pid = r() < 0.3 ? 1 : from.pid;
    const kinds = asks[q % asks.length];
    const want = evs.find((e) => e.id > from.id && e.pid === pid && kinds.includes(e.kind))?.id;
    assert.equal(facts.nextOfTask(pid, from.id, kinds)?.id, want, `task ${pid} after ${from.id}, ${kinds.join('/')}`);
  }
});
