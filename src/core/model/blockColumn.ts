/**
 * Positions in the file (line numbers, byte offsets): integers that grow a little with every event. Each
 * block of a few hundred events keeps its first value and 16-bit steps from it, 2 bytes per event instead
 * of 4 (a 64Ki-event chunk of the bench trace spans 137k lines and 11 MB, so one base per chunk needs 32
 * bits; a 4096-event block spans at most 14k lines, a 128-event block at most 33 kB).
 *
 * A chunk where a value leaves its block's 16-bit range (a long run of lines without events, stack traces
 * on every event, a trace.dat record before its block's first) becomes a chunk base + 32-bit distances, and
 * where that does not hold either (range past 2^32, a value below the base, not an integer) Float64Array:
 * every value comes back exactly.
 */

import type { Column } from './columns';

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
const STEP = 2;
const WIDE = 4;
const F64 = 8;

export class BlockColumn implements Column {
  /** Per chunk: STEP (block bases + u16), WIDE (chunk base + u32) or F64. */
  private readonly width: number[] = [];
  private readonly blockBases: (Float64Array | undefined)[] = [];
  private readonly steps: (Uint16Array | undefined)[] = [];
  private readonly chunkBases: number[] = [];
  private readonly wide: (Uint32Array | undefined)[] = [];
  private readonly f64: (Float64Array | undefined)[] = [];
  private readonly blockMask: number;
  private length = 0;

  /** @param blockShift log2 of the events per block: 12 for line numbers, 7 for byte offsets */
  constructor(private readonly blockShift: number) {
    this.blockMask = (1 << blockShift) - 1;
  }

  push(v: number): void {
    const i = this.length;
    if ((i & MASK) === 0) {
      this.width.push(STEP);
      this.blockBases.push(new Float64Array(CHUNK >>> this.blockShift));
      this.steps.push(new Uint16Array(CHUNK));
      this.chunkBases.push(0);
      this.wide.push(undefined);
      this.f64.push(undefined);
    }
    const c = i >>> SHIFT;
    const k = i & MASK;
    // a block's base is its first value (when that is an integer: else the chunk leaves STEP right away)
    if ((k & this.blockMask) === 0 && this.width[c] === STEP) this.blockBases[c]![k >>> this.blockShift] = Math.floor(v) || 0;
    this.length = i + 1;
    this.set(i, v);
  }

  set(i: number, v: number): void {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.width[c];
    if (w === STEP) {
      const d = v - this.blockBases[c]![k >>> this.blockShift];
      if ((d & 0xffff) === d && (v !== 0 || 1 / v > 0)) {
        this.steps[c]![k] = d;
        return;
      }
    } else if (w === WIDE) {
      const d = v - this.chunkBases[c];
      if (d >>> 0 === d && (v !== 0 || 1 / v > 0)) {
        this.wide[c]![k] = d;
        return;
      }
    } else {
      this.f64[c]![k] = v;
      return;
    }
    this.widen(c, k, v);
  }

  get(i: number): number {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.width[c];
    if (w === STEP) return this.blockBases[c]![k >>> this.blockShift] + this.steps[c]![k];
    if (w === WIDE) return this.chunkBases[c] + this.wide[c]![k];
    return this.f64[c]![k];
  }

  /** Re-encodes chunk `c` one width up (or to Float64Array) so that it holds `v` at `k`. */
  private widen(c: number, k: number, v: number): void {
    const start = c << SHIFT;
    const filled = Math.min(CHUNK, this.length - start);
    const old = new Float64Array(filled);
    for (let j = 0; j < filled; j++) old[j] = this.get(start + j);
    old[k] = v;
    let min = Infinity;
    let max = -Infinity;
    let exact = true;
    for (let j = 0; j < filled; j++) {
      const x = old[j];
      if (!Number.isSafeInteger(x) || (x === 0 && 1 / x < 0)) exact = false;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.blockBases[c] = this.steps[c] = this.wide[c] = undefined;
    if (exact && this.width[c] === STEP && max - min <= 0xffffffff) {
      // half the spare room below the minimum: trace.dat records come per CPU, not in file order
      let base = min - Math.floor((0xffffffff - (max - min)) / 2);
      if (!Number.isSafeInteger(base)) base = min;
      this.width[c] = WIDE;
      this.chunkBases[c] = base;
      const u = (this.wide[c] = new Uint32Array(CHUNK));
      for (let j = 0; j < filled; j++) u[j] = old[j] - base;
      return;
    }
    this.width[c] = F64;
    const f = (this.f64[c] = new Float64Array(CHUNK));
    f.set(old);
  }

  /**
   * Appends every value of `src` (a part built on another thread, consumed) plus `add`. Past the seam chunk,
   * each new chunk is built in the typed arrays of `src`'s chunk j (adopted: no chunk allocated or freed per
   * chunk): its values from offset r on, then the first r of chunk j+1, gathered into a scratch array by
   * typed loops and encoded back with the blocks starting where this column's blocks start. ~2 ns per value
   * instead of the ~13 of get/push.
   */
  pushFrom(src: Column, add = 0): void {
    const s = src as BlockColumn;
    const n = s.length;
    const r = (CHUNK - (this.length & MASK)) & MASK;
    const scratch = new Float64Array(CHUNK);
    // the seam chunk (this column's last, part-filled) takes the head of the part's first chunk
    if (r > 0 && n > 0) this.copyHead(s, Math.min(r, n), scratch, add);
    for (let j = 0; j * CHUNK + r < n; j++) {
      const tail = Math.min(CHUNK, n - j * CHUNK) - r;
      const head = r === 0 ? 0 : Math.max(0, Math.min(r, n - (j + 1) * CHUNK));
      s.gather(j, r, tail, scratch, 0, add);
      if (head > 0) s.gather(j + 1, 0, head, scratch, tail, add);
      if (!this.adopt(s, j, scratch, tail + head)) for (let k = 0; k < tail + head; k++) this.push(scratch[k]);
    }
  }

  /** Appends the first `head` values of `s`'s first chunk to this column's last chunk. */
  private copyHead(s: BlockColumn, head: number, scratch: Float64Array, add: number): void {
    s.gather(0, 0, head, scratch, 0, add);
    const c = this.width.length - 1;
    let k = this.width[c] === STEP ? encodeSteps(scratch, head, this.blockBases[c]!, this.steps[c]!, this.blockShift, this.length & MASK) : 0;
    this.length += k;
    // a value that leaves its block's steps: the rest one by one (widens the chunk once)
    for (; k < head; k++) this.push(scratch[k]);
  }

  /** Values [from, from + count) of chunk j plus `add`, into `out` at `at`. */
  private gather(j: number, from: number, count: number, out: Float64Array, at: number, add: number): void {
    const w = this.width[j];
    if (w === STEP) gatherSteps(this.blockBases[j]!, this.steps[j]!, this.blockShift, from, count, out, at, add);
    else if (w === WIDE) gatherWide(this.chunkBases[j] + add, this.wide[j]!, from, count, out, at);
    else if (add === 0) out.set(this.f64[j]!.subarray(from, from + count), at);
    else gatherWide(add, this.f64[j]!, from, count, out, at);
  }

  /** Encodes `count` values as this column's next chunk in the arrays of `s`'s chunk j; false when they do not fit in steps. */
  private adopt(s: BlockColumn, j: number, values: Float64Array, count: number): boolean {
    const bb = s.blockBases[j];
    const st = s.steps[j];
    if (s.width[j] !== STEP || s.blockShift !== this.blockShift || encodeSteps(values, count, bb!, st!, this.blockShift, 0) < count) return false;
    this.width.push(STEP);
    this.blockBases.push(bb);
    this.steps.push(st);
    this.chunkBases.push(0);
    this.wide.push(undefined);
    this.f64.push(undefined);
    this.length += count;
    return true;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    let b = 0;
    for (const w of this.width) b += w === STEP ? CHUNK * 2 + (CHUNK >>> this.blockShift) * 8 : w * CHUNK;
    return b;
  }
}

// The join's loops, one small function each: called once per chunk, they are optimized once with complete
// type feedback (inside pushFrom the loop was compiled on stack and thrown away at each chunk's first
// untried branch: ~30 ns per value on the first join instead of ~1).

function gatherSteps(bb: Float64Array, st: Uint16Array, shift: number, from: number, count: number, out: Float64Array, at: number, add: number): void {
  for (let k = 0; k < count; k++) out[at + k] = bb[(from + k) >>> shift] + st[from + k] + add;
}

function gatherWide(base: number, u: Uint32Array | Float64Array, from: number, count: number, out: Float64Array, at: number): void {
  for (let k = 0; k < count; k++) out[at + k] = base + u[from + k];
}

/**
 * Writes `count` values at `at` on as block bases (each block's first value) and 16-bit steps; returns how
 * many it wrote (fewer when a value leaves its block's steps).
 */
function encodeSteps(values: Float64Array, count: number, bb: Float64Array, st: Uint16Array, shift: number, at: number): number {
  const mask = (1 << shift) - 1;
  let base = bb[at >>> shift];
  for (let k = 0; k < count; k++) {
    const p = at + k;
    const v = values[k];
    if ((p & mask) === 0) bb[p >>> shift] = base = Math.floor(v) || 0;
    const d = v - base;
    if ((d & 0xffff) !== d || (v === 0 && 1 / v < 0)) return k;
    st[p] = d;
  }
  return count;
}
