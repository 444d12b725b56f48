/** Marker texts kept as UTF-8 bytes, each distinct one once, read back as the strings stored: any Unicode, empty, long, across chunks and a join. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextColumn } from '../../../src/core/model/textColumn';
import { ExtraTable } from '../../../src/core/model/extraTable';
import { seededRandom } from '../helpers';

const CHUNK = 1 << 16;

function filled(texts: string[]): TextColumn {
  const c = new TextColumn();
  for (const t of texts) assert.equal(c.add(t), true, t.slice(0, 20));
  return c;
}

function readAll(c: TextColumn): string[] {
  return Array.from({ length: c.size }, (_, i) => c.get(i));
}

/** Texts of many sizes and scripts: ASCII, Latin-1, CJK, emoji (surrogate pairs), empty, longer than a chunk. */
function sample(seed: number, n: number): string[] {
  const rnd = seededRandom(seed);
  const pieces = ['a', 'hmmtrace[step] ', 'é', 'ü', '漢字', '🙂', '\u0000', '\n', '\uFFFD', '\u{10FFFF}'];
  return Array.from({ length: n }, (_, i) => {
    if (i % 97 === 5) return '';
    if (i % 5 === 3) return `repeat ${i % 40} é`;
    const len = i % 211 === 7 ? CHUNK + 123 : Math.floor(rnd() * 300);
    let s = '';
    while (s.length < len) s += pieces[Math.floor(rnd() * pieces.length)];
    return s;
  });
}

test('an empty column holds nothing', () => {
  const c = new TextColumn();
  assert.equal(c.size, 0);
  assert.ok(c.bytes() < 1024);
  c.pushFrom(new TextColumn());
  assert.equal(c.size, 0);
});

test('a repeated text is stored once: many repeats of a few texts take one chunk', () => {
  const few = ['hmmtrace[double_migrate] ioctl SNAPSHOT begin', '', 'é漢🙂', 'hmmtrace[double_migrate] ioctl SNAPSHOT begin ', 'hmmtrace[double_migrate] ioctl SNAPSHOT begiN'];
  const texts = Array.from({ length: 20000 }, (_, i) => few[(i * 7) % few.length]);
  const c = filled(texts);
  assert.deepEqual(readAll(c), texts);
  // the bytes do not grow with the repeats (20000 uses still fit the first chunk of the use column)
  assert.equal(c.bytes(), filled(texts.slice(0, 100)).bytes());
});

test('texts read back exactly: empty, non-ASCII, surrogate pairs, longer than a chunk, chunk ends filled to the byte', () => {
  const texts = ['', 'x', 'é', '🙂🙂', 'x'.repeat(CHUNK), '', 'y'.repeat(CHUNK - 1), 'z', '漢'.repeat(30000), 'é'.repeat(CHUNK), 'end', ''];
  const c = filled(texts);
  assert.deepEqual(readAll(c), texts);
  const s = sample(1, 3000);
  assert.deepEqual(readAll(filled(s)), s);
});

test('a lone surrogate is declined (UTF-8 cannot hold it) and nothing is stored', () => {
  const c = new TextColumn();
  for (const bad of ['\uD800', 'a\uDC00b', '\uDBFFx', 'x\uDFFF']) assert.equal(c.add(bad), false, JSON.stringify(bad));
  assert.equal(c.size, 0);
  assert.equal(c.add('\uD83D\uDE42'), true);
  assert.deepEqual(readAll(c), ['🙂']);
});

test('a join takes over the other column (copied through a thread boundary) and appends after it', () => {
  for (const [n1, n2] of [[0, 50], [50, 0], [1, 1], [700, 900]]) {
    const a = sample(2, n1);
    const b = sample(3, n2);
    const c = filled(a);
    c.pushFrom(TextColumn.revive(structuredClone(filled(b))));
    const more = ['after', '', 'é'.repeat(40000)];
    for (const t of more) c.add(t);
    assert.deepEqual(readAll(c), [...a, ...b, ...more], `${n1} + ${n2}`);
  }
});

test('the extra table keeps texts as bytes, and a text UTF-8 cannot hold as the object itself', () => {
  const t = new ExtraTable();
  const xs = [{ text: 'hmm: iteration 7 begins' }, { text: '' }, { text: 'a\uD800b' }, { text: '漢字🙂' }];
  const refs = xs.map((x) => t.add(x));
  xs.forEach((x, i) => assert.deepEqual(t.get(refs[i]), x));
  const other = new ExtraTable();
  const ys = [{ text: 'second part é' }, { pteRaw: 5n }, { text: 'x'.repeat(CHUNK + 1) }];
  const yrefs = ys.map((y) => other.add(y));
  const shift = t.append(ExtraTable.revive(structuredClone(other)), (x) => x);
  ys.forEach((y, i) => assert.deepEqual(t.get(yrefs[i] + shift), y));
  xs.forEach((x, i) => assert.deepEqual(t.get(refs[i]), x));
  assert.deepEqual(t.get(t.add({ text: 'after the join' })), { text: 'after the join' });
});
