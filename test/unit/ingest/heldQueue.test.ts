/** HeldQueue (the ring Accounting holds events in) must behave as a plain first-in first-out array. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeldQueue } from '../../../src/core/ingest/heldQueue';
import { seededRandom } from '../helpers';

test('pushes, shifts, peeks and indexes like an array, across growth and wrap-around', () => {
  const rnd = seededRandom(23);
  const q = new HeldQueue<{ id: number }>();
  const model: { id: number }[] = [];
  let id = 0;
  for (let step = 0; step < 100000; step++) {
    // phases that fill up (growth past 16, 32, ... 8192) and drain down (wrap-around of both ends)
    const fill = Math.floor(step / 20000) % 2 === 0 ? 0.6 : 0.4;
    if (model.length > 0 && rnd() > fill) {
      assert.equal(q.peek(), model[0]);
      q.shift();
      model.shift();
    } else {
      const x = { id: id++ };
      q.push(x);
      model.push(x);
    }
    assert.equal(q.size, model.length);
    if (model.length === 0) assert.equal(q.peek(), undefined);
    if (step % 997 === 0) for (let i = 0; i < model.length; i++) assert.equal(q.at(i), model[i]);
  }
  assert.ok(id > 40000);
});
