/**
 * utf8Text decodes text in a region the line reader marked ASCII through the ASCII slice: it must give what
 * toString('utf8') gives, inside and outside marked regions, and nothing of a buffer may count as ASCII once
 * it was forgotten (the reader forgets a buffer before refilling it). A read of a file mixing ASCII chunks and
 * UTF-8 chunks gives the same events and bodies with any chunk size.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgetAscii, inAsciiRegion, markAscii } from '../../../src/core/ingest/asciiRegions';
import { utf8Text } from '../../../src/core/ingest/bytes';
import { readAll, tempTrace } from './helpers';

test('utf8Text gives the UTF-8 decoding of any range, marked or not', () => {
  const buf = Buffer.from('plain ascii text | é-ü and 日本 | more ascii', 'utf8');
  const split = buf.indexOf('|');
  markAscii(buf, 0, split);
  try {
    for (let s = 0; s < buf.length; s++) {
      for (let e = s; e <= buf.length; e++) assert.equal(utf8Text(buf, s, e), buf.toString('utf8', s, e), `${s}-${e}`);
    }
    assert.equal(inAsciiRegion(buf, 0, split), true);
    assert.equal(inAsciiRegion(buf, 0, split + 1), false);
  } finally {
    forgetAscii(buf);
  }
  assert.equal(inAsciiRegion(buf, 0, 1), false);
});

test('a forgotten buffer is decoded as UTF-8 again after its bytes change', () => {
  const buf = Buffer.from('abcdef', 'latin1');
  markAscii(buf, 0, buf.length);
  forgetAscii(buf);
  Buffer.from('é!', 'utf8').copy(buf, 0);
  assert.equal(utf8Text(buf, 0, 3), 'é!');
});

test('bodies read the same whatever chunks are ASCII', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const comm = i % 97 === 5 ? 'tâche' : 'hmmtrace';
    const body = i % 53 === 7 ? `msg=ü${i}` : `pages:${i} reason:local mm shootdown (3)`;
    lines.push(`        ${comm}-961     [000] d..2.  5000.${String(i).padStart(6, '0')}: tlb_flush: ${body}`);
  }
  const path = tempTrace(`${lines.join('\n')}\n`);
  const want = (await readAll(path, { chunkSize: 1 << 20 })).events.map((e) => [e.comm, e.body]);
  for (const chunkSize of [4096, 5000, 8192]) {
    const got = (await readAll(path, { chunkSize })).events.map((e) => [e.comm, e.body]);
    assert.deepEqual(got, want, `chunk ${chunkSize}`);
  }
  assert.equal(want.length, 400);
  assert.equal(want[5][0], 'tâche');
  assert.equal(want[7][1], 'msg=ü7');
});
