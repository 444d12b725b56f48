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

  pushFrom(src: Column, map?: ArrayLike<number>, add = 0): void {
    const n = src.size;
    if (map) for (let i = 0; i < n; i++) this.push(map[src.get(i)]);
    else if (add !== 0) for (let i = 0; i < n; i++) this.push(src.get(i) + add);
    else for (let i = 0; i < n; i++) this.push(src.get(i));
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
