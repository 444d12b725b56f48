/**
 * The fast paths of the text reader's fields against the general ones, on every fixture event:
 * - FieldRanges (the decoder's view of an unsplit body) must give exactly splitFields' Record whenever it
 *   accepts a body, and must accept the common probe and tracepoint bodies; on the body's bytes too;
 * - a TextEvent's deferred fields must equal the fields split from the line's body the way the reader did
 *   it before they were deferred (after the probe head, syscall arguments, `ret`).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { FieldRanges } from '../../../src/core/ingest/fieldRanges';
import { splitFields, splitSyscallArgs } from '../../../src/core/ingest/fields';
import { TextEvent } from '../../../src/core/ingest/textEvent';
import type { RawEvent } from '../../../src/core/ingest/types';
import { seededRandom } from '../helpers';
import { fixtureTraces, readAll } from './helpers';

/** The Record FieldRanges describes (later pairs of a key overwrite earlier ones, as property stores do). */
function recordOf(r: FieldRanges): Record<string, string> {
  const out: Record<string, string> = {};
  for (let j = 0; j < r.count; j++) out[r.key(j)] = r.value(j);
  return out;
}

/** The keys of the last accepted body, to try scanAs() with on the next one (right or wrong). */
let lastKeys: string[] = [];

/** Whether scanAs() accepted the last body agrees() checked, given that body's own keys. */
let ownAccepted = false;

/**
 * Asserts FieldRanges agrees with splitFields on `text` from `from`, by scan() and by scanAs() with the keys
 * of the body before and with its own keys (both must refuse or agree); returns whether scan() accepted it.
 */
function agrees(text: string, from: number, what: string): boolean {
  ownAccepted = false;
  const expected = splitFields(text, {}, from);
  // the same text as bytes (a transient read's body): the byte scans accept and answer the same
  const bytes = Buffer.from(text, 'utf8');
  const at = Buffer.byteLength(text.slice(0, from));
  const guess = new FieldRanges();
  if (guess.scanAs(text, from, lastKeys)) same(guess, expected, `${what} (scanAs ${lastKeys.join(',')})`);
  const guessBytes = new FieldRanges();
  if (guessBytes.scanBytesAs(bytes, at, bytes.length, lastKeys)) same(guessBytes, expected, `${what} (scanBytesAs ${lastKeys.join(',')})`);
  const r = new FieldRanges();
  const rb = new FieldRanges();
  const ok = r.scan(text, from);
  assert.equal(rb.scanBytes(bytes, at, bytes.length), ok, `${what}: scanBytes accepts as scan`);
  if (!ok) return false;
  same(r, expected, what);
  same(rb, expected, `${what} (scanBytes)`);
  lastKeys = [];
  for (let j = 0; j < r.count; j++) lastKeys.push(r.key(j));
  const own = new FieldRanges();
  ownAccepted = own.scanAs(text, from, lastKeys);
  if (ownAccepted) same(own, expected, `${what} (scanAs own keys)`);
  const ownBytes = new FieldRanges();
  assert.equal(ownBytes.scanBytesAs(bytes, at, bytes.length, lastKeys), ownAccepted, `${what}: scanBytesAs own keys`);
  if (ownAccepted) same(ownBytes, expected, `${what} (scanBytesAs own keys)`);
  return true;
}

function same(r: FieldRanges, expected: Record<string, string>, what: string): void {
  const got = recordOf(r);
  assert.deepEqual(got, expected, what);
  assert.deepEqual(Object.keys(got), Object.keys(expected), `${what}: key order`);
  for (const k of Object.keys(expected)) assert.equal(r.value(r.indexOf(k)), expected[k], `${what}: ${k}`);
  assert.equal(r.indexOf('no_such_key'), -1);
}

/** The fields as the reader split them before they were deferred (first line of the body only). */
function eagerFields(e: RawEvent): Record<string, string> {
  const body = e.body.split('\n')[0];
  if (e.kind === 'kprobe' || e.kind === 'kretprobe') return splitFields(body.slice(body.indexOf(')') + 2), {});
  if (e.kind === 'syscall-enter') return splitSyscallArgs(e.name.startsWith('sys_enter_') ? body : body.slice(1, -1), {});
  if (e.kind === 'syscall-exit') return { ret: body };
  if (e.kind === 'marker' || e.kind === 'driver-log') return splitFields(e.message ?? body, {});
  if (e.kind === 'function' || e.kind === 'funcgraph-entry' || e.kind === 'funcgraph-exit' || e.name === 'kernel_stack') return {};
  return splitFields(body, {});
}

for (const file of fixtureTraces()) {
  test(`${basename(file)}: FieldRanges and deferred fields give splitFields' values on every event`, async () => {
    const { events } = await readAll(file);
    let pending = 0;
    let accepted = 0;
    for (const e of events) {
      if (!(e instanceof TextEvent)) continue;
      const what = `line ${e.line}: ${e.body}`;
      const text = e.pendingSplit();
      if (text !== undefined) {
        pending++;
        if (agrees(text, e.splitAt(), what)) accepted++;
        // a probe's fetchargs are plain pairs: the decoder's in-place compare must take them
        if (e.kind === 'kprobe' || e.kind === 'kretprobe') assert.ok(ownAccepted, `${what}: scanAs with its own keys`);
      }
      if (e.name === 'sched_switch' || e.name === 'sched_wakeup' || e.name === 'sched_wakeup_new') continue; // trace-cmd's sched plugin
      assert.deepEqual(e.fields, eagerFields(e), what);
    }
    // the fast path must really carry the common bodies, not fall back on them
    assert.ok(accepted >= pending * 0.9, `${accepted} of ${pending} bodies read as ranges`);
  });
}

test('FieldRanges refuses what is not one run of the text, and agrees on the rest', () => {
  const refused = ['a="x y" z', 'a="x"y', 'a=x, y', 'a=x  y', 'a={1,2},b', '__proto__=1 a=2', 'a=1 b=2, c'];
  for (const t of refused) assert.equal(agrees(t, 0, t), false, t);
  for (const t of ['reason=flush on task switch (0)', 'pages:-1 reason:local mm shootdown (3)', 'a=1 ==> b=2 c', 'a=1 a=2', 'x->y=3 q[0]=4', 'a=, b=', 'free text a=1', 'a=x y,']) {
    assert.equal(agrees(t, 0, t), true, t);
  }
});

test('FieldRanges agrees with splitFields on random bodies built from awkward tokens', () => {
  const tokens = ['a=1', 'b="x y"', 'c={1,2}', 'word', 'w,', '==>', ' ', '  ', 'k:v', 'k: v', ',', '"', 'a=x,', 'x->y=3', 'a=', '$r=0x1', 'a="q\\"', 'é=1', 'n=é'];
  const rnd = seededRandom(42);
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    let t = '';
    const n = 1 + Math.floor(rnd() * 8);
    for (let j = 0; j < n; j++) t += (rnd() < 0.7 ? ' ' : '') + tokens[Math.floor(rnd() * tokens.length)];
    const from = rnd() < 0.3 ? Math.floor(rnd() * t.length) : 0;
    if (agrees(t, from, JSON.stringify([t, from]))) accepted++;
  }
  assert.ok(accepted > 5000, `${accepted} accepted`);
});
