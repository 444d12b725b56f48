/**
 * Detection, the evidence of reports and the summary read a real model through its columns (columnsOf), not
 * one DomainEvent per event. columnsOf() recognises the store by the members it reads, so a rename in the
 * model would silently fall back to the slow path: this test names that contract.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../helpers';
import { buildModel } from '../../../src/core/model/build';
import { columnsOf } from '../../../src/core/detect/liteEvent';

test('a built model offers its columns to detection', async () => {
  const { model } = await buildModel(fixture('traces', 'k6.1', 'pinned-ftrace.txt'));
  const cols = columnsOf(model);
  assert.ok(cols, 'columnsOf(model) fell back to the per-event path');
  const id = model.eventCount - 1;
  const ev = model.event(id);
  assert.equal(cols.store.kindOf(id), ev.kind);
  assert.equal(cols.store.ts.get(id), ev.ts);
  assert.equal(cols.store.line.get(id), ev.line);
  assert.equal(cols.asOf(ev.pid), ev.as);
});
