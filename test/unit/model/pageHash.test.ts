import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageHash } from '../../../src/core/model/pageHash';
import { Float64Log, Int32Log } from '../../../src/core/model/replayLog';

test('the page hash finds every (space, vpn) a Map finds, through growth, wide vpns and spaces sharing vpns', () => {
  const vpns = new Float64Log();
  const spaces = new Int32Log();
  const hash = new PageHash(vpns, spaces);
  const want = new Map<string, number>();
  let seed = 3;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const bases = [0, 0x7f0000000, 2 ** 32 - 50, 2 ** 52 - 100_000];
  for (let i = 0; i < 60_000; i++) {
    const space = rand(7);
    // consecutive windows and scattered pages, the same vpns in several spaces
    const vpn = bases[rand(4)] + (rand(3) === 0 ? rand(100_000) : (i >> 4) % 5000);
    const key = `${space}:${vpn}`;
    const found = hash.find(space, vpn);
    assert.equal(found, want.get(key) ?? -1);
    if (found < 0) {
      const p = vpns.length;
      vpns.push(vpn);
      spaces.push(space);
      hash.insert(p);
      want.set(key, p);
    }
  }
  for (const [key, p] of want) {
    const [space, vpn] = key.split(':').map(Number);
    assert.equal(hash.find(space, vpn), p);
    assert.equal(hash.find(space + 7, vpn), -1);
  }
  assert.equal(hash.find(0, 2 ** 52), -1);
});

test('an empty page hash finds nothing', () => {
  const hash = new PageHash(new Float64Log(), new Int32Log());
  assert.equal(hash.find(0, 0), -1);
  assert.equal(hash.find(3, 2 ** 52), -1);
});

test('a page asked for before it exists is found once inserted, and keys sharing a recent place stay apart', () => {
  const vpns = new Float64Log();
  const spaces = new Int32Log();
  const hash = new PageHash(vpns, spaces);
  const add = (space: number, vpn: number) => {
    const p = vpns.length;
    vpns.push(vpn);
    spaces.push(space);
    hash.insert(p);
    return p;
  };
  assert.equal(hash.find(1, 0x7f0000010), -1);
  const p = add(1, 0x7f0000010);
  assert.equal(hash.find(1, 0x7f0000010), p);
  // 256 and 2^32 apart: the same low bits of the vpn, other keys
  const q = add(1, 0x7f0000010 + 256);
  const w = add(1, 0x7f0000010 + 2 ** 32);
  assert.equal(hash.find(2, 0x7f0000010), -1);
  for (let i = 0; i < 3; i++) {
    assert.equal(hash.find(1, 0x7f0000010), p);
    assert.equal(hash.find(1, 0x7f0000010 + 256), q);
    assert.equal(hash.find(1, 0x7f0000010 + 2 ** 32), w);
    assert.equal(hash.find(2, 0x7f0000010 + 256), -1);
  }
});
