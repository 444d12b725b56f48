/**
 * The protection replay inserts a new segment where a stable sort by start would put it instead of sorting an
 * mm's segments on every mmap/mprotect, and answers covering() without a filtered copy. Its answers must be the
 * ones of the plain version (kept here as the reference), including the odd states the plain one reaches: empty
 * ranges (mprotect with len 0) and a remove that leaves a split's right part out of start order.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtectionMap } from '../../../src/core/detect/syscalls';
import { seededRandom } from '../helpers';

interface Segment {
  start: number;
  end: number;
  prot: number;
}

class PlainProtectionMap {
  private readonly segs = new Map<number, Segment[]>();

  private cut(as: number, start: number, end: number): Segment[] {
    const keep: Segment[] = [];
    for (const s of this.segs.get(as) ?? []) {
      if (s.end <= start || s.start >= end) keep.push(s);
      else {
        if (s.start < start) keep.push({ start: s.start, end: start, prot: s.prot });
        if (s.end > end) keep.push({ start: end, end: s.end, prot: s.prot });
      }
    }
    this.segs.set(as, keep);
    return keep;
  }

  set(as: number, start: number, end: number, prot: number): void {
    const keep = this.cut(as, start, end);
    keep.push({ start, end, prot });
    keep.sort((a, b) => a.start - b.start);
  }

  remove(as: number, start: number, end: number): void {
    this.cut(as, start, end);
  }

  covering(as: number, start: number, end: number): number[] | undefined {
    const list = (this.segs.get(as) ?? []).filter((s) => s.end > start && s.start < end);
    let at = start;
    for (const s of list) {
      if (s.start > at) return undefined;
      at = Math.max(at, s.end);
    }
    if (at < end) return undefined;
    return [...new Set(list.map((s) => s.prot))];
  }
}

test('ProtectionMap answers as the plain replay does, through random mmap/mprotect/munmap of two mms', () => {
  const r = seededRandom(17);
  const fast = new ProtectionMap();
  const plain = new PlainProtectionMap();
  const page = () => 0x7f0000000000 + Math.floor(r() * 64) * 4096;
  for (let op = 0; op < 4000; op++) {
    const as = r() < 0.8 ? 1 : 2;
    const start = page();
    // empty ranges now and then (len 0), else up to 16 pages
    const end = r() < 0.05 ? start : start + Math.ceil(r() * 16) * 4096;
    const p = r();
    if (p < 0.45) {
      const prot = Math.floor(r() * 8);
      fast.set(as, start, end, prot);
      plain.set(as, start, end, prot);
    } else if (p < 0.65) {
      fast.remove(as, start, end);
      plain.remove(as, start, end);
    } else {
      assert.deepEqual(fast.covering(as, start, end), plain.covering(as, start, end), `op ${op}: covering [${start}, ${end}) of mm ${as}`);
    }
  }
});
