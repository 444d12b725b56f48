/**
 * A column of small non-negative integers (ids into the store's interned tables, a CPU number, the lines an
 * event spans) in the narrowest width that holds every value so far: a trace has tens of event types and
 * invalidation keys and a few thousand tasks, so 1-2 bytes per event instead of the 4 of a Uint32Array.
 *
 * The width is one for the whole column, not per chunk: reading then costs one branch on a field that never
 * changes in practice, against a per-chunk width load (the model build reads these ids on every event). The
 * first value that does not fit re-copies every chunk once into the next width (u8 → u16 → u32), a value
 * that no unsigned width holds (negative, fractional) into Float64Array chunks, so every value comes back
 * (-0 as 0, as in the integer arrays this replaces).
 */

import type { Column } from './columns';

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

type IdChunk = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** The narrowest width (bytes per value) that holds `v`. */
const widthOf = (v: number): number => (v >>> 0 !== v ? 8 : v <= 0xff ? 1 : v <= 0xffff ? 2 : 4);

export class IdColumn implements Column {
  private c8: Uint8Array[] = [];
  private c16: Uint16Array[] = [];
  private c32: Uint32Array[] = [];
  private c64: Float64Array[] = [];
  /** Bytes per value of every chunk: 1, 2, 4 or 8 (Float64Array). */
  private width = 1;
  private length = 0;
  /**
   * The last chunk while the width is 1 (last8) or 2 (last16), else undefined: push() of a value that fits
   * is one store, without the width branches and chunk lookup of set() (the store pushes four of these per
   * event, the task ids of a trace with a few thousand tasks in 2 bytes).
   */
  private last8: Uint8Array | undefined = undefined;
  private last16: Uint16Array | undefined = undefined;

  push(v: number): void {
    const i = this.length;
    if ((i & MASK) !== 0) {
      const l8 = this.last8;
      if (l8 !== undefined) {
        if ((v & 0xff) === v) {
          l8[i & MASK] = v;
          this.length = i + 1;
          return;
        }
      } else {
        const l16 = this.last16;
        if (l16 !== undefined && (v & 0xffff) === v) {
          l16[i & MASK] = v;
          this.length = i + 1;
          return;
        }
      }
    }
    if ((i & MASK) === 0) this.addChunk();
    this.set(i, v);
    this.length = i + 1;
    this.moveLast();
  }

  /** Points last8 / last16 at the last chunk as it is now (a new chunk, a wider width, a join). */
  private moveLast(): void {
    const w = this.width;
    this.last8 = w === 1 && this.c8.length > 0 ? this.c8[this.c8.length - 1] : undefined;
    this.last16 = w === 2 && this.c16.length > 0 ? this.c16[this.c16.length - 1] : undefined;
  }

  private addChunk(): void {
    const w = this.width;
    if (w === 1) this.c8.push(new Uint8Array(CHUNK));
    else if (w === 2) this.c16.push(new Uint16Array(CHUNK));
    else if (w === 4) this.c32.push(new Uint32Array(CHUNK));
    else this.c64.push(new Float64Array(CHUNK));
  }

  set(i: number, v: number): void {
    const w = this.width;
    if (w === 1) {
      if ((v & 0xff) === v) {
        this.c8[i >>> SHIFT][i & MASK] = v;
        return;
      }
    } else if (w === 2) {
      if ((v & 0xffff) === v) {
        this.c16[i >>> SHIFT][i & MASK] = v;
        return;
      }
    } else if (w === 4) {
      if (v >>> 0 === v) {
        this.c32[i >>> SHIFT][i & MASK] = v;
        return;
      }
    } else {
      this.c64[i >>> SHIFT][i & MASK] = v;
      return;
    }
    this.widen(v);
    this.set(i, v);
  }

  get(i: number): number {
    const w = this.width;
    if (w === 1) return this.c8[i >>> SHIFT][i & MASK];
    if (w === 2) return this.c16[i >>> SHIFT][i & MASK];
    if (w === 4) return this.c32[i >>> SHIFT][i & MASK];
    return this.c64[i >>> SHIFT][i & MASK];
  }

  /** Re-copies every chunk into the narrowest width that also holds `v`. */
  private widen(v: number): void {
    this.widenTo(widthOf(v));
  }

  private widenTo(w: number): void {
    const wider = this.chunks().map((src) => {
      const dst = w === 2 ? new Uint16Array(CHUNK) : w === 4 ? new Uint32Array(CHUNK) : new Float64Array(CHUNK);
      dst.set(src);
      return dst;
    });
    this.c8 = [];
    this.c16 = w === 2 ? (wider as Uint16Array[]) : [];
    this.c32 = w === 4 ? (wider as Uint32Array[]) : [];
    this.c64 = w === 8 ? (wider as Float64Array[]) : [];
    this.width = w;
    this.moveLast();
  }

  private chunks(): IdChunk[] {
    const w = this.width;
    return w === 1 ? this.c8 : w === 2 ? this.c16 : w === 4 ? this.c32 : this.c64;
  }

  /**
   * Appends every value of `src` (a part built on another thread, consumed), through `map` when given (its
   * ids into this store's tables). Both columns first take the wider width of the two (or the one the map's
   * values need); past the seam chunk each new chunk is `src`'s chunk j, adopted when the widths agree: its
   * tail moved to the front, the head of chunk j+1 copied behind (memcpy, or one typed loop through `map`).
   */
  pushFrom(src: Column, map?: ArrayLike<number>): void {
    const s = src as IdColumn;
    // a part that met its tasks, types or keys in the order this store did: copies, no lookups
    if (map && isIdentity(map)) map = undefined;
    const n = s.length;
    let top = 0;
    if (map) for (let k = 0; k < map.length; k++) top = Math.max(top, widthOf(map[k]));
    const w = Math.max(this.width, map ? top : s.width);
    if (w > this.width) this.widenTo(w);
    const r = (CHUNK - (this.length & MASK)) & MASK;
    const from = s.chunks();
    const into = this.chunks();
    // the seam chunk (this column's last, part-filled) takes the head of the part's first chunk
    const seam = Math.min(r, n);
    if (seam > 0) {
      const last = into[into.length - 1];
      if (map) mapRun(last, this.length & MASK, from[0], 0, seam, map);
      else last.set(from[0].subarray(0, seam), this.length & MASK);
      this.length += seam;
    }
    for (let j = 0; j * CHUNK + r < n; j++) {
      const tail = Math.min(CHUNK, n - j * CHUNK) - r;
      const head = r === 0 ? 0 : Math.max(0, Math.min(r, n - (j + 1) * CHUNK));
      const a = from[j];
      const dst = s.width === w ? a : w === 2 ? new Uint16Array(CHUNK) : w === 4 ? new Uint32Array(CHUNK) : new Float64Array(CHUNK);
      if (map) mapRun(dst, 0, a, r, tail, map);
      else if (dst === a) a.copyWithin(0, r, r + tail);
      else dst.set(a.subarray(r, r + tail));
      if (head > 0) {
        const b = from[j + 1];
        if (map) mapRun(dst, tail, b, 0, head, map);
        else dst.set(b.subarray(0, head), tail);
      }
      into.push(dst);
      this.length += tail + head;
    }
    this.moveLast();
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return (this.c8.length + this.c16.length * 2 + this.c32.length * 4 + this.c64.length * 8) * CHUNK;
  }
}

/**
 * `count` ids of `src` from `from` through `map` into `dst` from `at` (forward: `dst` may be `src` when
 * `at` <= `from`). Its own function, called per chunk, so that it is optimized once (a loop inside pushFrom
 * was compiled on stack and dropped at each chunk: ~30 ns per id on the first join instead of ~1.5).
 */
function mapRun(dst: IdChunk, at: number, src: IdChunk, from: number, count: number, map: ArrayLike<number>): void {
  for (let k = 0; k < count; k++) dst[at + k] = map[src[from + k]];
}

function isIdentity(map: ArrayLike<number>): boolean {
  for (let k = 0; k < map.length; k++) if (map[k] !== k) return false;
  return true;
}
