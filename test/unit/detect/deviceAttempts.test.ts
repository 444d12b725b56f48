/**
 * GPU fault attempts (nouveau logs two lines per attempt; a retry is a fault after an invalidation of the
 * address). The sweep in time order must give exactly the answer of looking at every invalidation between each
 * pair of faults, which costs faults × invalidations on a long capture where a page is faulted again much later.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectContext } from '../../../src/core/detect/context';
import { deviceAttempts, deviceAttemptsByWindow, faultLivelock } from '../../../src/core/detect/faults';
import { FakeModel } from './fakeModel';
import { seededRandom } from '../helpers';

const BASE = 0x7f0000000000;

function randomTrace(seed: number): FakeModel {
  const r = seededRandom(seed);
  const model = new FakeModel();
  let ts = 1;
  for (let i = 0; i < 1500; i++) {
    ts += Math.floor(r() * 3);
    const page = BASE + Math.floor(r() * 24) * 4096;
    const p = r();
    if (p < 0.6) {
      // a fault on one of 24 pages, sometimes not page-aligned (nouveau logs the faulting address)
      model.ev({ kind: 'device-fault', ts, addr: page + (r() < 0.3 ? 0x40 : 0), pid: r() < 0.5 ? 100 : 101 });
    } else if (p < 0.85) {
      const pages = 1 + Math.floor(r() * 4);
      model.invalidation({ start: page, end: page + pages * 4096, event: r() < 0.5 ? 'CLEAR' : 'MIGRATE', startTs: ts });
    } else {
      // a driver's own invalidate line (device-side work) covering a few pages
      model.ev({ kind: 'driver-invalidate', ts, start: page, end: page + 2 * 4096, func: 'nouveau_svmm_invalidate', name: 'nouveau_svmm_invalidate' });
    }
  }
  return model;
}

for (const seed of [1, 2, 3, 42]) {
  test(`device fault attempts (seed ${seed}): the time-ordered sweep equals the window-by-window answer`, () => {
    const model = randomTrace(seed);
    const d = new DetectContext({ model, thresholds: {}, driverOwners: new Set() }, faultLivelock);
    const sweep = deviceAttempts(d).map((e) => e.id);
    const byWindow = deviceAttemptsByWindow(d).map((e) => e.id);
    assert.deepEqual(sweep, byWindow);
    const faults = d.facts.of('device-fault').length;
    // both "retry after an invalidation" and "same attempt logged twice" must occur for the comparison to mean anything
    assert.ok(sweep.length > 0 && sweep.length < faults, `${sweep.length} attempts of ${faults} fault lines`);
  });
}
