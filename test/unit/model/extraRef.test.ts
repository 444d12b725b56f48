/**
 * extraRef (the model build's way to store an event's extra: packed and shared shapes straight from the
 * decoded event, no object) must store what add(extraOf(...)) stores: the same extra read back (keys in the
 * same order, same values), none where extraOf gives none, the same shared objects, the same references.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankDecoded, type DecodedEvent } from '../../../src/core/decode/decoder';
import type { OriginResult } from '../../../src/core/decode/origin';
import type { RawEvent } from '../../../src/core/ingest/types';
import { type EventExtra, extraOf, extraRef } from '../../../src/core/model/eventExtra';
import { ExtraTable } from '../../../src/core/model/extraTable';
import { seededRandom } from '../helpers';

const seen = (x: EventExtra | undefined) => JSON.stringify(x && Object.entries(x), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

const ORIGINS: OriginResult[] = [
  Object.freeze({ origin: 'zap', evidence: Object.freeze(['unmap_vmas']) as string[] }) as OriginResult,
  Object.freeze({ origin: 'migrate_vma_setup', evidence: Object.freeze(['migrate_vma_setup']) as string[] }) as OriginResult,
  { origin: 'munmap', evidence: ['do_vmi_munmap'] },
];

function event(rnd: () => number): { ev: RawEvent; d: DecodedEvent; origin: OriginResult | undefined } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const some = (p: number) => rnd() < p;
  const d = blankDecoded();
  // a packed shape's attributes now and then, and each attribute on its own: every mix of them occurs
  const shape = Math.floor(rnd() * 6);
  const pte = () => (d.pteRaw = pick([0n, 0x8000_0000_1234_5067n, 0xffff_ffff_ffff_ffffn, -1n, 1n << 64n]));
  const cpages = () => (d.cpages = pick([0, 8, 512, -0, 1.5]));
  const npages = () => (d.npages = pick([8, 512, 70_000, -0]));
  const src0 = () => (d.src0 = pick([0x7e74bn, 0n, -3n]));
  const dst0 = () => (d.dst0 = pick([0x3f3fffc09n, 1n << 64n]));
  const fault = () => (d.faultPage = pick(['0x0', '0xffd40003f3fffdc0', '0x00ff', '0xFF', 'ffff', '0x1ffffffffffffffff', '0x7']));
  const sel = () => (d.selectFlags = pick([1, 4, 0.5]));
  if (shape === 0) pte();
  else if (shape === 1) [cpages, npages, src0, dst0].forEach((f) => f());
  else if (shape === 2) [npages, fault].forEach((f) => f());
  else if (shape === 3) [sel, fault].forEach((f) => f());
  for (const f of [pte, cpages, npages, src0, dst0, fault, sel]) if (some(0.04)) f();
  if (some(0.03)) d.childPid = 7;
  if (some(0.03)) d.childComm = 'sh';
  if (some(0.03)) d.taskPid = 9;
  if (some(0.03)) d.text = pick(['hmm: iteration 7', '']);
  if (some(0.03)) d.durationNs = 1500.5;
  if (some(0.03)) d.leaf = true;
  if (some(0.1)) {
    d.eventNum = pick([6, 99]);
    d.notifierEvent = pick([undefined, 'MIGRATE', 'UNKNOWN'] as const);
  }
  const ret = some(0.3);
  if (some(0.3)) d.role = pick(['mn-start', 'mn-end'] as const);
  const ev = {
    kind: ret ? 'kretprobe' : pick(['kprobe', 'tracepoint'] as const),
    name: 'x',
    probe: some(0.8) ? { symbol: pick(['migrate_vma_setup', 'zap_pte_range', '']) } : undefined,
  } as unknown as RawEvent;
  const origin = some(0.25) ? pick(ORIGINS) : undefined;
  return { ev, d, origin };
}

test('extraRef stores what add(extraOf()) stores, for every combination of attributes', () => {
  const rnd = seededRandom(99);
  const direct = new ExtraTable();
  const general = new ExtraTable();
  const byRef = new Map<string, EventExtra>();
  for (let i = 0; i < 60_000; i++) {
    const { ev, d, origin } = event(rnd);
    const x = extraOf(ev, d, origin);
    const a = extraRef(direct, ev, d, origin);
    const b = x === undefined ? -1 : general.add(x);
    assert.equal(a, b, `#${i}: the same reference`);
    if (a < 0) continue;
    const got = direct.get(a);
    assert.equal(seen(got), seen(general.get(b)), `#${i}`);
    assert.equal(seen(got), seen(x), `#${i}: what extraOf made`);
    // shared rows: one object per caller, per frozen origin, for fault_page 0x0
    if (got === general.get(b)) assert.fail(`#${i}: tables share no objects`);
    const first = byRef.get(JSON.stringify([seen(got), got.stackOrigin === ORIGINS[2]]));
    if (first !== undefined && (got.caller !== undefined || (got.stackOrigin !== undefined && Object.isFrozen(got.stackOrigin)))) {
      if (Object.keys(got).length === 1) assert.equal(got, first, `#${i}: shared`);
    }
    byRef.set(JSON.stringify([seen(got), got.stackOrigin === ORIGINS[2]]), got);
  }
});
