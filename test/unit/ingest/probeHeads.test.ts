/**
 * A kretprobe name returns to several callers, so its lines alternate between heads; the heads kept per name
 * (nameInfo.ts) must give every line the sites and fields it gives when read alone.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readText } from './helpers';

const CALLERS = Array.from({ length: 20 }, (_, i) => `caller_${i}+0x${(i * 17 + 3).toString(16)}/0x${(400 + i).toString(16)}`);

function line(i: number, caller: string): string {
  return `  hmmtrace-961     [000] .....  5000.${String(i).padStart(6, '0')}: mn_start_ret: (${caller} <- __mmu_notifier_invalidate_range_start) ret=${i % 3}`;
}

test('alternating probe heads under one name read as each line alone', async () => {
  const order = [0, 1, 0, 2, 1, 3, 0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0, 19, 1, 18, 2, 2, 17];
  const lines = order.map((c, i) => line(i, CALLERS[c]));
  const { events } = await readText(`${lines.join('\n')}\n`);
  assert.equal(events.length, lines.length);
  for (let i = 0; i < lines.length; i++) {
    const alone = (await readText(`${lines[i]}\n`)).events[0];
    const ev = events[i];
    assert.equal(ev.kind, 'kretprobe');
    assert.deepEqual(ev.probe, alone.probe);
    assert.deepEqual(ev.retFrom, alone.retFrom);
    assert.equal(ev.probe?.symbol, `caller_${order[i]}`);
    assert.deepEqual(ev.fields, alone.fields);
    assert.deepEqual(ev.fields, { ret: String(i % 3) });
    assert.equal(ev.body, alone.body);
  }
});

test('a head that differs after the kept one is not taken for it', async () => {
  const a = '  t-1 [000] .....  1.000001: p: (sym+0x0/0x10) x=1';
  const b = '  t-1 [000] .....  1.000002: p: (sym+0x0/0x10)x y=2';
  const c = '  t-1 [000] .....  1.000003: p: (sym+0x0/0x100) z=3';
  const { events } = await readText(`${a}\n${b}\n${c}\n${a}\n`);
  const alone = await Promise.all([a, b, c, a].map(async (l) => (await readText(`${l}\n`)).events[0]));
  assert.deepEqual(events.map((e) => [e.kind, e.probe, e.fields]), alone.map((e) => [e.kind, e.probe, e.fields]));
  assert.equal(events[2].probe?.size, 0x100);
});
