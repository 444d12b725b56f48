/** Packed extras must read back as the objects stored: same keys in the same order, same values, shared ones shared. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtraTable } from '../../../src/core/model/extraTable';
import type { EventExtra } from '../../../src/core/model/eventExtra';
import type { OriginResult } from '../../../src/core/decode/origin';
import { pteKind } from '../../../src/core/decode/pte';

/** Keys in order and values (bigints by value): what a consumer or a JSON answer sees. */
const seen = (x: EventExtra) => JSON.stringify(Object.entries(x), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

test('every common shape reads back with its keys in extraOf order and exact values', () => {
  const t = new ExtraTable();
  const xs: EventExtra[] = [
    { pteRaw: 0x8000_0000_1234_5067n },
    { pteRaw: 0xffff_ffff_ffff_ffffn },
    { pteRaw: 0n },
    { cpages: 512, npages: 512, src0: 0x1234_5000_0021n, dst0: 0xffff_ffff_ffff_fffen },
    { cpages: 0, npages: 1, src0: 0n, dst0: 0n },
    { npages: 16, faultPage: '0xffffea0004b2c340' },
    { selectFlags: 4, faultPage: '0x0' },
    { selectFlags: 1, faultPage: '0xffffffffffffffff' },
    { text: 'hmm: iteration 7 begins' },
    { text: '' },
  ];
  const refs = xs.map((x) => t.add(x));
  xs.forEach((x, i) => assert.equal(seen(t.get(refs[i])), seen(x), `#${i}`));
  assert.equal(t.pteRaw(refs[0]), 0x8000_0000_1234_5067n);
  assert.equal(t.pteRaw(refs[3]), undefined);
  // PTEs, migrations and fault pages are rows of typed arrays, not objects
  assert.ok(t.bytes() > 0);
});

test('values a row cannot give back exactly, other key orders and other shapes are kept as objects', () => {
  const t = new ExtraTable();
  const xs: EventExtra[] = [
    { pteRaw: -1n },
    { pteRaw: 1n << 64n },
    { cpages: -0, npages: 1, src0: 1n, dst0: 2n },
    { npages: 1, cpages: 1, src0: 1n, dst0: 2n },
    { cpages: 1, npages: 1, src0: 1n },
    { npages: 2, faultPage: '0x00ff' },
    { npages: 2, faultPage: '0xFF' },
    { npages: 2, faultPage: '0x1ffffffffffffffff' },
    { selectFlags: 1, faultPage: 'ffff' },
    { pteRaw: 5n, leaf: true },
    { childPid: 7, childComm: 'kworker/0:1', taskPid: 7 },
    { durationNs: 1500.5, leaf: true },
    { eventNum: 9 },
  ];
  const refs = xs.map((x) => t.add(x));
  xs.forEach((x, i) => {
    assert.equal(seen(t.get(refs[i])), seen(x), `#${i}`);
    assert.ok(Object.is(t.get(refs[i]).cpages, x.cpages), `#${i} cpages`);
  });
  assert.equal(t.pteRaw(refs[9]), 5n);
});

test('one-attribute extras that repeat (caller, frozen stack origin, fault_page 0x0) are one shared object', () => {
  const t = new ExtraTable();
  const origin: OriginResult = Object.freeze({ origin: 'zap', evidence: Object.freeze(['unmap_vmas']) as string[] });
  const a = t.get(t.add({ caller: 'migrate_vma_setup' }));
  const b = t.get(t.add({ caller: 'migrate_vma_setup' }));
  const c = t.get(t.add({ caller: 'try_to_migrate_one' }));
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.deepEqual([a.caller, c.caller], ['migrate_vma_setup', 'try_to_migrate_one']);
  const o1 = t.get(t.add({ stackOrigin: origin }));
  assert.equal(t.get(t.add({ stackOrigin: origin })), o1);
  assert.equal(o1.stackOrigin, origin);
  const unfrozen: OriginResult = { origin: 'zap', evidence: ['x'] };
  assert.equal(t.get(t.add({ stackOrigin: unfrozen })).stackOrigin, unfrozen);
  assert.equal(t.get(t.add({ faultPage: '0x0' })), t.get(t.add({ faultPage: '0x0' })));
  const x = { faultPage: '0x1000' };
  assert.equal(t.get(t.add(x)), x);
  assert.notEqual(t.get(t.add({ faultPage: '0x1000' })), x);
});

test('many rows across chunks and reference blocks read back exactly; references of a stretch stay close', () => {
  const t = new ExtraTable();
  const refs: number[] = [];
  for (let i = 0; i < 40_000; i++) {
    refs.push(t.add({ pteRaw: BigInt(i) * 0x1_0000_0001n }));
    refs.push(t.add({ cpages: i % 300, npages: 512, src0: BigInt(i), dst0: BigInt(i) << 40n }));
    // a rare shape: its block goes stale and it opens new ones
    if (i % 5_000 === 0) refs.push(t.add({ text: `marker ${i}` }), t.add({ caller: 'migrate_vma_setup' }), t.add({ text: `after ${i}` }));
  }
  let k = 0;
  for (let i = 0; i < 40_000; i++) {
    assert.equal(t.get(refs[k++]).pteRaw, BigInt(i) * 0x1_0000_0001n);
    const m = t.get(refs[k++]);
    assert.deepEqual([m.cpages, m.src0, m.dst0], [i % 300, BigInt(i), BigInt(i) << 40n]);
    if (i % 5_000 === 0) assert.deepEqual([t.get(refs[k++]).text, t.get(refs[k++]).caller, t.get(refs[k++]).text], [`marker ${i}`, 'migrate_vma_setup', `after ${i}`]);
  }
  // any 20k consecutive references span under 64Ki: the store keeps them in 2 bytes
  for (let j = 0; j + 20_000 < refs.length; j += 5_000) {
    const w = refs.slice(j, j + 20_000);
    assert.ok(Math.max(...w) - Math.min(...w) < 65_535, `from ${j}`);
  }
});

// one frozen object per call chain, as classifyStack gives them: shared rows
const ORIGINS = [0, 1, 2].map((k) => Object.freeze({ origin: 'migrate', evidence: Object.freeze([`f${k}`]) }) as unknown as OriginResult);

test('a table from another thread (structured clone, revived) appended: every reference plus the shift reads back the same extra', () => {
  const make = (i: number): EventExtra => {
    switch (i % 9) {
      case 0:
        return { pteRaw: 0x8000_0000_1234_5067n + BigInt(i) };
      case 1:
        return { cpages: i % 300, npages: 512, src0: 0x1234_5000_0021n + BigInt(i), dst0: 0xffff_ffff_ffff_fffen };
      case 2:
        return { npages: 16, faultPage: `0xffffea0004b2${(i % 4096).toString(16)}` };
      case 3:
        return { selectFlags: 4, faultPage: '0x0' };
      case 4:
        return { text: `hmm: iteration ${i} begins` };
      case 5:
        return { caller: i % 2 ? 'migrate_vma_setup' : 'zap_pte_range' };
      case 6:
        return { faultPage: '0x0' };
      case 7:
        return { stackOrigin: ORIGINS[Math.floor(i / 9) % 3] };
      default:
        return { childPid: i, childComm: 'kworker/0:1', taskPid: 7 };
    }
  };
  const dst = new ExtraTable();
  const own: number[] = [];
  // the joining table has rows of every shape already, in a count that is no multiple of a chunk or block
  for (let i = 0; i < 20_011; i++) own.push(dst.add(make(i)));
  const src = new ExtraTable();
  const refs: number[] = [];
  for (let i = 0; i < 40_000; i++) refs.push(src.add(make(i * 7 + 3)));
  const sent = ExtraTable.revive(structuredClone(src));
  const frozen = new Map<string, object>();
  const shift = dst.append(sent, (x) => {
    if (!x.stackOrigin) return x;
    const key = JSON.stringify(x.stackOrigin);
    if (!frozen.has(key)) frozen.set(key, Object.freeze({ ...x.stackOrigin }));
    return { ...x, stackOrigin: frozen.get(key) as typeof x.stackOrigin };
  });
  own.forEach((ref, i) => assert.equal(seen(dst.get(ref)), seen(make(i)), `own #${i}`));
  refs.forEach((ref, i) => assert.equal(seen(dst.get(ref + shift)), seen(make(i * 7 + 3)), `appended #${i}`));
  // a stack origin copied by the thread boundary is one shared object again
  const origins = refs.map((ref, i) => ((i * 7 + 3) % 9 === 7 ? dst.get(ref + shift).stackOrigin : undefined)).filter((o) => o);
  assert.equal(new Set(origins).size, 3);
  // rows added after the append get references of their own
  const after = dst.add(make(0));
  assert.equal(seen(dst.get(after)), seen(make(0)));
  refs.forEach((ref, i) => assert.equal(seen(dst.get(ref + shift)), seen(make(i * 7 + 3)), `appended #${i} after an add`));
});

test('the one-value readers (pteKind, cpagesOf, selectFlagsOf, faultPageOf) answer what get() and the plain decode answer, for every shape', () => {
  const t = new ExtraTable();
  const xs: EventExtra[] = [
    // present, PROTNONE, none, swap, migration, device-private, device-exclusive, marker, hwpoison; a zero low word
    { pteRaw: 0x8000_0000_1234_5067n },
    { pteRaw: 0x0000_0000_1234_5100n },
    { pteRaw: 0n },
    { pteRaw: 0x07ff_ffff_ffff_fd00n },
    { pteRaw: 0xc7ff_ffff_e0ff_fe00n },
    { pteRaw: 0xdfff_ffff_e0ff_fe00n },
    { pteRaw: 0xefff_ffff_e0ff_fe00n },
    { pteRaw: 0xf7ff_ffff_ffff_fe00n },
    { pteRaw: 0xbfff_ffff_ffff_fe00n },
    { pteRaw: 0xdfff_ffff_0000_0000n },
    { pteRaw: 0xdfff_ffff_0000_0001n },
    { cpages: 512, npages: 512, src0: 0x1234_5000_0021n, dst0: 0xffff_ffff_ffff_fffen },
    { cpages: 0, npages: 1, src0: 0n, dst0: 0n },
    { npages: 16, faultPage: '0xffffea0004b2c340' },
    { npages: 16, faultPage: '0x1000' },
    { selectFlags: 4, faultPage: '0x0' },
    { selectFlags: 1, faultPage: '0xffffffffffffffff' },
    { selectFlags: 1, faultPage: '0x100000000' },
    { faultPage: '0x0' },
    { pteRaw: 5n, leaf: true },
    { cpages: 3, leaf: true },
    { selectFlags: 2, faultPage: 'not a pointer' },
    { text: 'x' },
  ];
  const refs = xs.map((x) => t.add(x));
  // twice: the second answers come from pteKind's memo
  for (let pass = 0; pass < 2; pass++) {
    xs.forEach((x, i) => {
      const r = refs[i];
      assert.equal(t.pteKind(r), x.pteRaw === undefined ? undefined : pteKind(x.pteRaw), `pteKind #${i}`);
      assert.equal(t.cpagesOf(r), t.get(r).cpages, `cpages #${i}`);
      assert.equal(t.selectFlagsOf(r), t.get(r).selectFlags, `selectFlags #${i}`);
      assert.equal(t.faultPageOf(r), t.get(r).faultPage, `faultPage #${i}`);
    });
  }
});
