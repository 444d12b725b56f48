/**
 * A record's callbacks asked without a list (detect/callbacks.ts): the counts a model record gives must be the
 * ones its list gives, and a record without them (plain objects, test fakes) answers from its list.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DriverCallback, InvalidationRecord } from '../../../src/core/model/types';
import { anyOwnCallback, callbackCount } from '../../../src/core/detect/callbacks';

const cb = (ownEvent: boolean | undefined): DriverCallback => ({ driver: 'dmirror', func: 'dmirror_interval_invalidate', eventId: 1, ownEvent });
const plain = (callbacks: DriverCallback[]): InvalidationRecord => ({ callbacks }) as unknown as InvalidationRecord;

test('a plain record answers from its list', () => {
  assert.deepEqual([callbackCount(plain([])), anyOwnCallback(plain([]))], [0, false]);
  assert.deepEqual([callbackCount(plain([cb(undefined), cb(false)])), anyOwnCallback(plain([cb(undefined), cb(false)]))], [2, false]);
  assert.deepEqual([callbackCount(plain([cb(false), cb(true)])), anyOwnCallback(plain([cb(false), cb(true)]))], [2, true]);
});

test('a record that counts its callbacks is not asked for its list', () => {
  const r = {
    callbackCount: 3,
    anyOwnCallback: true,
    get callbacks(): DriverCallback[] {
      throw new Error('listed');
    },
  } as unknown as InvalidationRecord;
  assert.deepEqual([callbackCount(r), anyOwnCallback(r)], [3, true]);
});
