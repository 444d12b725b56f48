/**
 * Integers that grow a little with every event (timestamps, line numbers, byte offsets, span entry ids).
 * Each block of a few hundred events keeps its first value, and each event a 16-bit step from it counted in
 * the chunk's unit: 2 bytes per event instead of 4 (a 64Ki-event chunk of the bench trace spans 1.6 s, 137k
 * lines and 11 MB, so one base per chunk needs 32 bits; a 256-event block spans at most 6 ms, a 4096-event
 * block 14k lines, a 128-event block 33 kB). Timestamps try 1000 ns first: ftrace text prints microseconds,
 * so a block then holds 65 ms of trace instead of 65 µs.
 *
 * A value its block's steps cannot hold (after an idle gap, out of order, not an integer, -0) is an exception
 * kept by value in a per-chunk Map: a gap costs the rest of its block, not the chunk. A chunk with more than
 * MAX_EXCEPTIONS tries the next, finer unit (ns timestamps of trace.dat), then becomes a chunk base + 32-bit
 * distances, and where that does not hold either (range past 2^32, not an integer) Float64Array: every value
 * comes back exactly.
 */

import type { Column } from './columns';

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
const STEP = 2;
const WIDE = 4;
const F64 = 8;
/** The step code of an exception; steps are 0..0xfffe. */
const ESC = 0xffff;
/**
 * Exceptions a chunk keeps before it changes encoding: a Map entry costs ~48 bytes (key, value, chain, a
 * heap number for a timestamp), so 1024 of them (~48 kB) stay under the 128 kB a wide chunk adds.
 */
const MAX_EXCEPTIONS = 1024;
const EXCEPTION_BYTES = 48;

export class BlockColumn implements Column {
  /** Per chunk: STEP (block bases + u16 steps in units[unit] + exceptions), WIDE (chunk base + u32) or F64. */
  private readonly width: number[] = [];
  private readonly unit: number[] = [];
  private readonly blockBases: (Float64Array | undefined)[] = [];
  private readonly steps: (Uint16Array | undefined)[] = [];
  private readonly exceptions: (Map<number, number> | undefined)[] = [];
  private readonly chunkBases: number[] = [];
  private readonly wide: (Uint32Array | undefined)[] = [];
  private readonly f64: (Float64Array | undefined)[] = [];
  private readonly blockMask: number;
  private length = 0;
  /**
   * The last chunk's step array, unit and the base of its last block while it is a STEP chunk (else `cursor`
   * is undefined): push() inside a block then stores a step without the six per-chunk array loads of set()
   * (three of these columns take a value per event: ~30 ns a push before).
   */
  private cursor: Uint16Array | undefined = undefined;
  private cursorUnit = 1;
  private cursorBase = 0;

  /**
   * @param blockShift log2 of the events per block: 8 for timestamps, 12 for line numbers, 7 for byte offsets
   * @param units the step units to try, coarsest first, the last 1
   */
  constructor(
    private readonly blockShift: number,
    private readonly units: readonly number[] = [1],
  ) {
    this.blockMask = (1 << blockShift) - 1;
  }

  push(v: number): void {
    const i = this.length;
    const st = this.cursor;
    if (st !== undefined && (i & this.blockMask) !== 0) {
      // inside the block of the value before: a step from its base, as set() stores one
      const base = this.cursorBase;
      const unit = this.cursorUnit;
      const d = (v - base) / unit;
      if ((d & 0xffff) === d && d !== ESC && base + d * unit === v && (v !== 0 || 1 / v > 0)) {
        st[i & MASK] = d;
        this.length = i + 1;
        return;
      }
    }
    if ((i & MASK) === 0) this.addChunk(new Float64Array(CHUNK >>> this.blockShift), new Uint16Array(CHUNK));
    const c = i >>> SHIFT;
    const k = i & MASK;
    if ((k & this.blockMask) === 0 && this.width[c] === STEP) {
      const bb = this.blockBases[c]!;
      const b = k >>> this.blockShift;
      bb[b] = baseOf(v, b > 0 ? bb[b - 1] : 0);
    }
    this.length = i + 1;
    this.set(i, v);
    this.moveCursor();
  }

  /** Points the cursor at the last chunk as it is now (after a new chunk or block, a re-encode, a join). */
  private moveCursor(): void {
    const c = this.width.length - 1;
    if (c < 0 || this.width[c] !== STEP || this.length === 0) {
      this.cursor = undefined;
      return;
    }
    this.cursor = this.steps[c];
    this.cursorUnit = this.unit[c];
    this.cursorBase = this.blockBases[c]![((this.length - 1) & MASK) >>> this.blockShift];
  }

  private addChunk(bb: Float64Array, st: Uint16Array): void {
    this.width.push(STEP);
    this.unit.push(this.units[0]);
    this.blockBases.push(bb);
    this.steps.push(st);
    this.exceptions.push(undefined);
    this.chunkBases.push(0);
    this.wide.push(undefined);
    this.f64.push(undefined);
  }

  set(i: number, v: number): void {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.width[c];
    if (w === STEP) {
      const base = this.blockBases[c]![k >>> this.blockShift];
      const unit = this.unit[c];
      const d = (v - base) / unit;
      const st = this.steps[c]!;
      const x = this.exceptions[c];
      if ((d & 0xffff) === d && d !== ESC && base + d * unit === v && (v !== 0 || 1 / v > 0)) {
        if (st[k] === ESC) x?.delete(k);
        st[k] = d;
        return;
      }
      if (x === undefined || x.size < MAX_EXCEPTIONS || x.has(k)) {
        st[k] = ESC;
        if (x === undefined) this.exceptions[c] = new Map([[k, v]]);
        else x.set(k, v);
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
    this.reencode(c, k, v);
  }

  get(i: number): number {
    const c = i >>> SHIFT;
    const k = i & MASK;
    if (this.width[c] === STEP) {
      const x = this.steps[c]![k];
      if (x !== ESC) return this.blockBases[c]![k >>> this.blockShift] + x * this.unit[c];
    }
    return this.other(c, k);
  }

  /** get() of an exception or a wide or Float64Array chunk: its own method, so that get() stays small enough to inline. */
  private other(c: number, k: number): number {
    const w = this.width[c];
    if (w === STEP) return this.exceptions[c]!.get(k)!;
    if (w === WIDE) return this.chunkBases[c] + this.wide[c]![k];
    return this.f64[c]![k];
  }

  /** Chunk `c` cannot hold `v` at `k` as it is: encodes it again, in a finer unit, wide or Float64Array. */
  private reencode(c: number, k: number, v: number): void {
    const start = c << SHIFT;
    const filled = Math.min(CHUNK, this.length - start);
    const old = new Float64Array(filled);
    for (let j = 0; j < filled; j++) old[j] = this.get(start + j);
    old[k] = v;
    const next = this.width[c] === STEP ? this.units.indexOf(this.unit[c]) + 1 : this.units.length;
    this.encode(c, old, filled, next);
    this.moveCursor();
  }

  /**
   * Stores values[0 .. count) as chunk c: in steps of the first unit from units[from] on that leaves at most
   * MAX_EXCEPTIONS exceptions (in the chunk's step arrays when it has them), else wide, else Float64Array.
   */
  private encode(c: number, values: Float64Array, count: number, from: number): void {
    for (let u = from; u < this.units.length; u++) {
      const bb = this.blockBases[c] ?? new Float64Array(CHUNK >>> this.blockShift);
      const st = this.steps[c] ?? new Uint16Array(CHUNK);
      const x = encodeSteps(values, count, bb, st, this.blockShift, this.units[u]);
      if (x === undefined) continue;
      this.width[c] = STEP;
      this.unit[c] = this.units[u];
      this.blockBases[c] = bb;
      this.steps[c] = st;
      this.exceptions[c] = x.size > 0 ? x : undefined;
      this.wide[c] = this.f64[c] = undefined;
      return;
    }
    let min = Infinity;
    let max = -Infinity;
    let exact = true;
    for (let j = 0; j < count; j++) {
      const x = values[j];
      if (!Number.isSafeInteger(x) || (x === 0 && 1 / x < 0)) exact = false;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.blockBases[c] = this.steps[c] = this.exceptions[c] = this.wide[c] = undefined;
    if (exact && this.width[c] === STEP && max - min <= 0xffffffff) {
      // half the spare room below the minimum: trace.dat records come per CPU, not in file order
      let base = min - Math.floor((0xffffffff - (max - min)) / 2);
      if (!Number.isSafeInteger(base)) base = min;
      this.width[c] = WIDE;
      this.chunkBases[c] = base;
      const u = (this.wide[c] = new Uint32Array(CHUNK));
      for (let j = 0; j < count; j++) u[j] = values[j] - base;
      return;
    }
    this.width[c] = F64;
    const f = (this.f64[c] = new Float64Array(CHUNK));
    f.set(values.subarray(0, count));
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
    if (r > 0 && n > 0) {
      const head = Math.min(r, n);
      s.gather(0, 0, head, scratch, 0, add);
      for (let k = 0; k < head; k++) this.push(scratch[k]);
    }
    for (let j = 0; j * CHUNK + r < n; j++) {
      const tail = Math.min(CHUNK, n - j * CHUNK) - r;
      const head = r === 0 ? 0 : Math.max(0, Math.min(r, n - (j + 1) * CHUNK));
      s.gather(j, r, tail, scratch, 0, add);
      if (head > 0) s.gather(j + 1, 0, head, scratch, tail, add);
      const ok = s.blockShift === this.blockShift && s.width[j] === STEP;
      this.addChunk(ok ? s.blockBases[j]! : new Float64Array(CHUNK >>> this.blockShift), ok ? s.steps[j]! : new Uint16Array(CHUNK));
      this.length += tail + head;
      this.encode(this.width.length - 1, scratch, tail + head, 0);
    }
    this.moveCursor();
  }

  /** Values [from, from + count) of chunk j plus `add`, into `out` at `at`. */
  private gather(j: number, from: number, count: number, out: Float64Array, at: number, add: number): void {
    const w = this.width[j];
    if (w === STEP) {
      gatherSteps(this.blockBases[j]!, this.steps[j]!, this.blockShift, this.unit[j], from, count, out, at, add);
      // -0 + 0 is +0: an exception is added to only when there is something to add
      for (const [k, v] of this.exceptions[j] ?? []) if (k >= from && k < from + count) out[at + k - from] = add === 0 ? v : v + add;
    } else if (w === WIDE) gatherWide(this.chunkBases[j] + add, this.wide[j]!, from, count, out, at);
    else if (add === 0) out.set(this.f64[j]!.subarray(from, from + count), at);
    else gatherWide(add, this.f64[j]!, from, count, out, at);
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    let b = 0;
    for (let c = 0; c < this.width.length; c++) {
      const w = this.width[c];
      b += w === STEP ? CHUNK * 2 + (CHUNK >>> this.blockShift) * 8 + (this.exceptions[c]?.size ?? 0) * EXCEPTION_BYTES : w * CHUNK;
    }
    return b;
  }
}

/** A block's base: its first value when that is an integer, else the block before's (the value is an exception). */
function baseOf(v: number, before: number): number {
  return Number.isSafeInteger(v) ? v : before;
}

// The join's loops, one small function each: called once per chunk, they are optimized once with complete
// type feedback (inside pushFrom the loop was compiled on stack and thrown away at each chunk's first
// untried branch: ~30 ns per value on the first join instead of ~1).

function gatherSteps(bb: Float64Array, st: Uint16Array, shift: number, unit: number, from: number, count: number, out: Float64Array, at: number, add: number): void {
  for (let k = 0; k < count; k++) out[at + k] = bb[(from + k) >>> shift] + st[from + k] * unit + add;
}

function gatherWide(base: number, u: Uint32Array | Float64Array, from: number, count: number, out: Float64Array, at: number): void {
  for (let k = 0; k < count; k++) out[at + k] = base + u[from + k];
}

/**
 * Writes values[0 .. count) as block bases (each block's first integer value) and steps of `unit`; returns
 * the exceptions, or undefined when there would be more than MAX_EXCEPTIONS.
 */
function encodeSteps(values: Float64Array, count: number, bb: Float64Array, st: Uint16Array, shift: number, unit: number): Map<number, number> | undefined {
  const mask = (1 << shift) - 1;
  const x = new Map<number, number>();
  let base = 0;
  for (let k = 0; k < count; k++) {
    const v = values[k];
    if ((k & mask) === 0) bb[k >>> shift] = base = baseOf(v, base);
    const d = (v - base) / unit;
    if ((d & 0xffff) === d && d !== ESC && base + d * unit === v && (v !== 0 || 1 / v > 0)) st[k] = d;
    else {
      if (x.size === MAX_EXCEPTIONS) return undefined;
      st[k] = ESC;
      x.set(k, v);
    }
  }
  return x;
}
