import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampWindow, familyOf, formatCount, formatDuration, formatTs, STATE_WORDS, STATES } from '../../../webview/lib/format';

test('timestamps print as the trace prints them, to the nanosecond', () => {
  assert.equal(formatTs(123_456_789_012), '123.456789012');
  assert.equal(formatTs(5), '0.000000005');
  assert.equal(formatTs(-1_500_000_000), '-1.500000000');
  assert.equal(formatTs(Number.NaN), '–');
});

test('durations pick a readable unit', () => {
  assert.equal(formatDuration(850), '850 ns');
  assert.equal(formatDuration(12_300), '12.3 µs');
  assert.equal(formatDuration(4_560_000), '4.56 ms');
  assert.equal(formatDuration(1_200_000_000), '1.20 s');
});

test('counts are grouped by thousands', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(1234567), '1,234,567');
});

test('every page state has words for the legend', () => {
  for (const s of STATES) assert.ok(STATE_WORDS[s].length > 0);
  assert.equal(STATE_WORDS['device-private'], 'device-private');
  assert.equal(STATE_WORDS.system, 'system RAM');
});

test('event kinds fall into the families the timeline draws', () => {
  assert.equal(familyOf('invalidate-start'), 'invalidation');
  assert.equal(familyOf('driver-invalidate'), 'invalidation');
  assert.equal(familyOf('cpu-fault'), 'fault');
  assert.equal(familyOf('migrate-to-ram'), 'fault');
  assert.equal(familyOf('migrate-setup'), 'migration');
  assert.equal(familyOf('migration-pte-remove'), 'migration');
  assert.equal(familyOf('exclusive-make'), 'exclusive');
  assert.equal(familyOf('thp-split'), 'thp');
  assert.equal(familyOf('migration-wait'), 'wait');
  assert.equal(familyOf('marker'), 'marker');
  assert.equal(familyOf('syscall'), 'other');
});

test('a window is clamped into the trace keeping its width', () => {
  assert.deepEqual(clampWindow(90, 130, 0, 100), [60, 100]);
  assert.deepEqual(clampWindow(-10, 20, 0, 100), [0, 30]);
  assert.deepEqual(clampWindow(-10, 500, 0, 100), [0, 100]);
});
