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

export class IdColumn implements Column {
  private c8: Uint8Array[] = [];
  private c16: Uint16Array[] = [];
  private c32: Uint32Array[] = [];
  private c64: Float64Array[] = [];
  /** Bytes per value of every chunk: 1, 2, 4 or 8 (Float64Array). */
  private width = 1;
  private length = 0;

  push(v: number): void {
    const i = this.length;
    if ((i & MASK) === 0) this.addChunk();
    this.set(i, v);
    this.length = i + 1;
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
    const w = v >>> 0 !== v ? 8 : v <= 0xffff ? 2 : 4;
    const chunks = this.width === 1 ? this.c8 : this.width === 2 ? this.c16 : this.c32;
    const make = (src: ArrayLike<number>) => {
      const dst = w === 2 ? new Uint16Array(CHUNK) : w === 4 ? new Uint32Array(CHUNK) : new Float64Array(CHUNK);
      for (let k = 0; k < CHUNK; k++) dst[k] = src[k];
      return dst;
    };
    const wider = chunks.map(make);
    this.c8 = [];
    this.c16 = w === 2 ? (wider as Uint16Array[]) : [];
    this.c32 = w === 4 ? (wider as Uint32Array[]) : [];
    this.c64 = w === 8 ? (wider as Float64Array[]) : [];
    this.width = w;
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
    return (this.c8.length + this.c16.length * 2 + this.c32.length * 4 + this.c64.length * 8) * CHUNK;
  }
}
