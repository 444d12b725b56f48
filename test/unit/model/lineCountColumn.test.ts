/**
 * The lines each event spans, read from the next event's line: every count must come back exactly (events
 * with lines between them, out of line order, the last event, chunks where most counts are kept) and a
 * part joined from another thread must give the same counts whatever the seam.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineCounts, lines, reviveColumn } from '../../../src/core/model/columns';
import type { LineCountColumn } from '../../../src/core/model/lineCountColumn';
import type { BlockColumn } from '../../../src/core/model/blockColumn';

const CHUNK = 65_536;

interface Ev {
  line: number;
  count: number;
}

/** Events as a trace prints them: mostly back to back, every `gapEvery` one with `gap` lines after it. */
function events(n: number, gapEvery: number, gap = 3): Ev[] {
  const out: Ev[] = [];
  let line = 12;
  for (let i = 0; i < n; i++) {
    const count = i % 97 === 0 ? 14 : i % 1_001 === 0 ? 65_535 : 1;
    out.push({ line, count });
    line += count + (i % gapEvery === gapEvery - 1 ? (i % 2 ? gap : -count - gap) : 0);
  }
  return out;
}

function store(evs: Ev[]): { line: BlockColumn; count: LineCountColumn } {
  const line = lines();
  const count = lineCounts(line);
  for (const e of evs) {
    line.push(e.line);
    count.push(e.count);
  }
  return { line, count };
}

function check(c: LineCountColumn, evs: Ev[], what: string): void {
  assert.equal(c.size, evs.length, what);
  evs.forEach((e, i) => assert.equal(c.get(i), e.count, `${what} #${i}`));
}

test('counts read from the next line come back exactly and cost only their exceptions', () => {
  assert.equal(store([]).count.bytes(), 0);
  const one = store([{ line: 5, count: 3 }]);
  check(one.count, [{ line: 5, count: 3 }], 'one event');
  const evs = events(CHUNK * 2 + 10, 500);
  const { count } = store(evs);
  check(count, evs, 'sparse gaps');
  const kept = evs.filter((e, i) => i + 1 < evs.length && evs[i + 1].line - e.line !== e.count).length;
  assert.ok(kept > 0 && kept < 1_024 * 3, String(kept));
  assert.equal(count.bytes(), kept * 48);
});

test('a chunk where most events have lines between them keeps every count, exactly, and set() changes one', () => {
  const evs = events(CHUNK + 5_000, 3);
  const { count } = store(evs);
  check(count, evs, 'dense gaps');
  assert.ok(count.bytes() >= CHUNK * 2, String(count.bytes()));
  count.set(7, 9);
  evs[7].count = 9;
  count.set(evs.length - 1, 2);
  evs[evs.length - 1].count = 2;
  check(count, evs, 'after set');
});

test('a joined part gives the same counts wherever the seam falls, after a trip to another thread', () => {
  for (const gapEvery of [500, 3]) {
    for (const m of [0, 1, 127, CHUNK - 1, CHUNK, 100_003]) {
      for (const n of [0, 1, CHUNK - 3, CHUNK + 4_097]) {
        const evs = events(m + n, gapEvery);
        const into = store(evs.slice(0, m));
        // the part numbers its lines from its own first one
        const shift = m < evs.length ? evs[m].line - 1 : 0;
        const part = store(evs.slice(m).map((e) => ({ line: e.line - shift, count: e.count })));
        const sent = structuredClone({ line: part.line, count: part.count });
        into.line.pushFrom(reviveColumn(sent.line, into.line), shift);
        into.count.pushFrom(reviveColumn(sent.count, into.count));
        check(into.count, evs, `gaps every ${gapEvery}, seam ${m}, part ${n}`);
        into.line.push(evs.length ? evs[evs.length - 1].line + 100 : 1);
        into.count.push(4);
        assert.equal(into.count.get(m + n), 4);
        if (m + n > 0) assert.equal(into.count.get(m + n - 1), evs[m + n - 1].count, 'the count before a push after the join');
      }
    }
  }
});
