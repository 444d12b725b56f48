/**
 * The text reader's events split their fields only when read (textEvent.ts). What a consumer serialises
 * must not depend on that: JSON of an event equals JSON of a plain copy with the fields, on every fixture.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAll, fixtureTraces } from './helpers';
import { TextEvent } from '../../../src/core/ingest/textEvent';

test('JSON of a text event carries the same fields as reading them', async () => {
  let checked = 0;
  for (const file of fixtureTraces()) {
    const { events } = await readAll(file);
    for (const ev of events) {
      if (!(ev instanceof TextEvent)) continue;
      const json = JSON.parse(JSON.stringify(ev)) as { fields: Record<string, string>; name: string; line: number };
      assert.deepEqual(json.fields, { ...ev.fields }, `${file}:${ev.line}`);
      assert.equal(json.name, ev.name);
      assert.equal(json.line, ev.line);
      checked++;
    }
  }
  assert.ok(checked > 10000, `only ${checked} text events checked`);
});
