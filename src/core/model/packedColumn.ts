/**
 * Chunk-adaptive integer columns: each 64Ki-event chunk stores its values as distances from a base in the
 * narrowest unsigned width that holds the chunk's range (u16, u32), and falls back to a Float64Array chunk
 * when a value is not an integer (or is -0) or the range passes 2^32, so every value comes back exactly.
 * A timestamp or file offset then costs 4 bytes instead of 8, a span or extra id (which grow along the file,
 * about 20k apart within a chunk) 2 instead of 4.
 *
 * A nullable column keeps one "none" integer (-1: an event without span, without extra; no return value) as
 * the top code of the width, so a mostly-empty column costs its width, not a fallback. A chunk that starts
 * with none takes the previous chunk's base: the values of neighbouring chunks are alike.
 *
 * A value that does not fit re-encodes its chunk once: the width grows to the new range and, when the value
 * lies below the base (an out-of-order timestamp, the parent span of a long call), the base moves down by half
 * the width's spare room, so a slow downward drift re-encodes O(log range) times, not once per event. A chunk
 * re-encoded more than 16 times becomes a Float64Array chunk (bounded work on any input).
 */

import type { Column } from './columns';

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
const MAX_REENCODES = 16;
const F64 = 8;

export class PackedColumn implements Column {
  private readonly u16: (Uint16Array | undefined)[] = [];
  private readonly u32: (Uint32Array | undefined)[] = [];
  private readonly f64: (Float64Array | undefined)[] = [];
  /** Per chunk: 2, 4 or F64 (bytes per value). */
  private readonly width: number[] = [];
  private readonly bases: number[] = [];
  private readonly reencodes: number[] = [];
  private length = 0;
  /** The codes that mean "none" in each width (-1: never, the column is not nullable). */
  private readonly none16: number;
  private readonly none32: number;

  /**
   * @param firstWidth width of a new chunk (4 for timestamps and offsets, which need it at once: no re-encode)
   * @param none the integer stored as a code, or undefined when the column has none
   */
  constructor(
    private readonly firstWidth: 2 | 4,
    private readonly none?: number,
  ) {
    const nullable = none !== undefined;
    this.none16 = nullable ? 0xffff : -1;
    this.none32 = nullable ? 0xffffffff : -1;
    this.limit16 = nullable ? 0xfffe : 0xffff;
    this.limit32 = nullable ? 0xfffffffe : 0xffffffff;
  }

  /** The largest distance from the base that a width stores (its top code is "none" when nullable). */
  private readonly limit16: number;
  private readonly limit32: number;
  private limit(w: number): number {
    return w === 2 ? this.limit16 : this.limit32;
  }

  push(v: number): void {
    const i = this.length;
    if ((i & MASK) === 0) this.addChunk(v);
    this.put(i, v);
    this.length = i + 1;
  }

  private addChunk(first: number): void {
    const w = this.firstWidth;
    this.width.push(w);
    const last = this.bases.length > 0 ? this.bases[this.bases.length - 1] : 0;
    this.bases.push(first !== this.none && Number.isSafeInteger(first) ? first : last);
    this.reencodes.push(0);
    this.u16.push(w === 2 ? new Uint16Array(CHUNK) : undefined);
    this.u32.push(w === 4 ? new Uint32Array(CHUNK) : undefined);
    this.f64.push(undefined);
  }

  private put(i: number, v: number): void {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.width[c];
    if (w === F64) {
      this.f64[c]![k] = v;
      return;
    }
    if (v === this.none) {
      if (w === 2) this.u16[c]![k] = this.none16;
      else this.u32[c]![k] = this.none32;
      return;
    }
    const d = v - this.bases[c];
    // (d >>> 0) === d: a non-negative integer below 2^32; -0 would come back as +0
    if (d >>> 0 === d && (v !== 0 || 1 / v > 0)) {
      if (w === 4) {
        if (d <= this.limit32) {
          this.u32[c]![k] = d;
          return;
        }
      } else if (d <= this.limit16) {
        this.u16[c]![k] = d;
        return;
      }
    }
    this.reencode(c, k, v);
  }

  get(i: number): number {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.width[c];
    if (w === 4) {
      const x = this.u32[c]![k];
      return x === this.none32 ? this.none! : this.bases[c] + x;
    }
    if (w === 2) {
      const x = this.u16[c]![k];
      return x === this.none16 ? this.none! : this.bases[c] + x;
    }
    return this.f64[c]![k];
  }

  set(i: number, v: number): void {
    this.put(i, v);
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
    for (const w of this.width) b += w * CHUNK;
    return b;
  }


  /** Chunk `c` holds a value `v` at `k` that its width and base cannot: widen, move the base, or fall back. */
  private reencode(c: number, k: number, v: number): void {
    const start = c << SHIFT;
    const filled = Math.min(CHUNK, Math.max(this.length, start + k + 1) - start);
    const old = new Float64Array(filled);
    for (let j = 0; j < filled; j++) old[j] = this.get(start + j);
    old[k] = v;
    let min = Infinity;
    let max = -Infinity;
    let exact = true;
    for (let j = 0; j < filled; j++) {
      const x = old[j];
      if (x === this.none) continue;
      if (!Number.isSafeInteger(x) || (x === 0 && 1 / x < 0)) {
        exact = false;
        break;
      }
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const range = max - min;
    const times = ++this.reencodes[c];
    let w = 0;
    if (exact && times <= MAX_REENCODES) {
      for (const cand of [2, 4]) {
        if (cand >= this.width[c] && range <= this.limit(cand)) {
          w = cand;
          break;
        }
      }
    }
    this.u16[c] = this.u32[c] = this.f64[c] = undefined;
    if (w === 0) {
      this.width[c] = F64;
      this.f64[c] = new Float64Array(CHUNK);
      this.f64[c]!.set(old);
      return;
    }
    // a value under the base leaves half the spare room below the new minimum for the next ones
    let base = this.bases[c];
    if (min < base || max - base > this.limit(w)) base = min - Math.floor((this.limit(w) - range) / 2);
    if (max - base > this.limit(w) || !Number.isSafeInteger(base)) base = min;
    this.width[c] = w;
    this.bases[c] = base;
    if (w === 2) this.u16[c] = new Uint16Array(CHUNK);
    else this.u32[c] = new Uint32Array(CHUNK);
    for (let j = 0; j < filled; j++) this.put(start + j, old[j]);
  }
}
