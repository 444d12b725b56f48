/**
 * Chunk-adaptive integer columns: each 64Ki-event chunk stores its values as distances from a base in the
 * narrowest unsigned width that holds the chunk's range (u16, u32), and falls back to a Float64Array chunk
 * when a value is not an integer (or is -0) or the range passes 2^32, so every value comes back exactly.
 * A span or extra id (which grow along the file, about 20k apart within a chunk) then costs 2 bytes instead
 * of 4, a return value (errnos, small counts) or a span's exit distance from its entry 2 as well.
 *
 * A nullable column keeps one "none" integer (-1: an event without span, without extra; no return value) as
 * the top code of the width, so a mostly-empty column costs its width, not a fallback. A chunk that starts
 * with none takes the previous chunk's base: the values of neighbouring chunks are alike.
 *
 * A value that does not fit re-encodes its chunk once: the width grows to the new range and, when the value
 * lies below the base (the parent span of a long call, an errno under a chunk's first count), the base moves
 * down by half the width's spare room, so a slow downward drift re-encodes O(log range) times, not once per
 * event. A chunk re-encoded more than 16 times becomes a Float64Array chunk (bounded work on any input).
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

  /** @param none the integer stored as a code, or undefined when the column has none */
  constructor(private readonly none?: number) {
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

  /**
   * The last chunk's u16 codes and base while it is 2 bytes wide (else undefined): push() of a value that
   * fits is then one store, without put()'s per-chunk width, array and base loads.
   */
  private last16: Uint16Array | undefined = undefined;
  private lastBase = 0;

  push(v: number): void {
    const i = this.length;
    const last = this.last16;
    if (last !== undefined && (i & MASK) !== 0) {
      if (v === this.none) {
        last[i & MASK] = this.none16;
        this.length = i + 1;
        return;
      }
      const d = v - this.lastBase;
      if (d >>> 0 === d && d <= this.limit16 && (v !== 0 || 1 / v > 0)) {
        last[i & MASK] = d;
        this.length = i + 1;
        return;
      }
    }
    if ((i & MASK) === 0) this.addChunk(v);
    this.put(i, v);
    this.length = i + 1;
    this.moveLast();
  }

  /** Points last16 at the last chunk as it is now (a new chunk, a re-encode, a join). */
  private moveLast(): void {
    const c = this.width.length - 1;
    this.last16 = c >= 0 && this.width[c] === 2 ? this.u16[c] : undefined;
    this.lastBase = c >= 0 ? this.bases[c] : 0;
  }

  private addChunk(first: number): void {
    this.width.push(2);
    const last = this.bases.length > 0 ? this.bases[this.bases.length - 1] : 0;
    this.bases.push(first !== this.none && Number.isSafeInteger(first) ? first : last);
    this.reencodes.push(0);
    this.u16.push(new Uint16Array(CHUNK));
    this.u32.push(undefined);
    this.f64.push(undefined);
    this.moveLast();
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

  /**
   * Appends values[0 .. n) as one whole chunk (the column must end on a chunk boundary, n ≤ a chunk), encoded
   * once from their range: a writer that knows a chunk's values before storing them (SpanTable.build: a span
   * id under a long call's old one re-encoded each chunk a few times, ~0.2 s at 1 GiB) never re-encodes.
   */
  pushChunk(values: Int32Array, n: number): void {
    if ((this.length & MASK) !== 0 || n > CHUNK) throw new Error(`pushChunk of ${n} values at ${this.length}: not one chunk at a chunk boundary`);
    const none = this.none;
    let min = Infinity;
    let max = -Infinity;
    for (let k = 0; k < n; k++) {
      const v = values[k];
      if (v === none) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.addChunk(min === Infinity ? none! : min);
    const c = this.width.length - 1;
    const range = max - min;
    if (range > this.limit(this.width[c])) {
      const wide = range <= this.limit32;
      this.u16[c] = undefined;
      this.u32[c] = wide ? new Uint32Array(CHUNK) : undefined;
      this.f64[c] = wide ? undefined : new Float64Array(CHUNK);
      this.width[c] = wide ? 4 : F64;
    }
    const base = this.bases[c];
    const w = this.width[c];
    if (w === 2) {
      const a = this.u16[c]!;
      for (let k = 0; k < n; k++) a[k] = values[k] === none ? this.none16 : values[k] - base;
    } else if (w === 4) {
      const a = this.u32[c]!;
      for (let k = 0; k < n; k++) a[k] = values[k] === none ? this.none32 : values[k] - base;
    } else this.f64[c]!.set(values.subarray(0, n));
    this.length += n;
    this.moveLast();
  }

  /**
   * Appends every value of `src` (a part built on another thread, consumed) plus `add` (none stays none).
   * Past the seam chunk, each new chunk is `src`'s chunk j, its typed array adopted: its tail moved to the
   * front, then the head of chunk j+1 copied behind it (a memcpy when both chunks share width and base,
   * else re-based in a typed loop). The join then neither allocates nor frees a chunk per chunk (freed
   * ArrayBuffers from the worker's malloc arena kept ~100 MB of fragmented heap at 1 GiB), and costs
   * ~1 ns per value instead of the ~13 of get/push.
   */
  pushFrom(src: Column, add = 0): void {
    const s = src as PackedColumn;
    const n = s.length;
    const r = (CHUNK - (this.length & MASK)) & MASK;
    // the seam chunk (this column's last, part-filled) takes the head of the part's first chunk
    if (r > 0 && n > 0) this.copyHead(s, 0, Math.min(r, n), add);
    for (let j = 0; j * CHUNK + r < n; j++) {
      const tail = Math.min(CHUNK, n - j * CHUNK) - r;
      const head = r === 0 ? 0 : Math.max(0, Math.min(r, n - (j + 1) * CHUNK));
      if (!this.adopt(s, j, r, tail, add)) {
        for (let i = j * CHUNK + r; i < (j + 1) * CHUNK + head && i < n; i++) this.push(this.shifted(s.get(i), add));
        continue;
      }
      if (head > 0) this.copyHead(s, j + 1, head, add);
    }
    this.moveLast();
  }

  /** `v` plus `add`, none as none (and -0 as -0: -0 + 0 is +0). */
  private shifted(v: number, add: number): number {
    return add === 0 || v === this.none ? v : v + add;
  }

  /** Makes `s`'s chunk j, from offset r on, this column's next chunk; false when its encoding does not carry over. */
  private adopt(s: PackedColumn, j: number, r: number, tail: number, add: number): boolean {
    const w = s.width[j];
    const base = s.bases[j] + add;
    if (w === F64 || !Number.isSafeInteger(base) || this.none !== s.none) return false;
    const u = w === 2 ? s.u16[j]! : s.u32[j]!;
    if (r > 0) u.copyWithin(0, r, r + tail);
    this.width.push(w);
    this.bases.push(base);
    this.reencodes.push(s.reencodes[j]);
    this.u16.push(w === 2 ? (u as Uint16Array) : undefined);
    this.u32.push(w === 4 ? (u as Uint32Array) : undefined);
    this.f64.push(undefined);
    this.length += tail;
    return true;
  }

  /** Appends the first `head` values of `s`'s chunk j to this column's last chunk, re-based to its base. */
  private copyHead(s: PackedColumn, j: number, head: number, add: number): void {
    const c = this.width.length - 1;
    const w = this.width[c];
    const at = this.length & MASK;
    const sw = s.width[j];
    let k = 0;
    if (sw !== F64 && w !== F64) {
      const from = sw === 2 ? s.u16[j]! : s.u32[j]!;
      const to = w === 2 ? this.u16[c]! : this.u32[c]!;
      const delta = s.bases[j] + add - this.bases[c];
      if (sw === w && delta === 0) {
        to.set(from.subarray(0, head), at);
        k = head;
      } else {
        k = rebase(to, at, from, head, delta, sw === 2 ? s.none16 : s.none32, w === 2 ? this.none16 : this.none32, this.limit(w));
      }
    }
    this.length += k;
    // a value the chunk's width and base cannot hold: the rest one by one (re-encodes the chunk once)
    for (; k < head; k++) this.push(this.shifted(s.get(j * CHUNK + k), add));
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
      this.moveLast();
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
    this.moveLast();
  }
}

/**
 * Copies `count` codes of `from` into `to` from `at`, distances re-based by `delta`, none codes translated;
 * returns how many it copied (fewer when a distance leaves [0, limit]). Its own function, called per chunk,
 * so that it is optimized once (in pushFrom the loop was compiled on stack and dropped at each chunk).
 */
function rebase(to: Uint16Array | Uint32Array, at: number, from: Uint16Array | Uint32Array, count: number, delta: number, fromNone: number, toNone: number, limit: number): number {
  for (let k = 0; k < count; k++) {
    const x = from[k];
    if (x === fromNone) to[at + k] = toNone;
    else {
      const d = x + delta;
      if (d < 0 || d > limit) return k;
      to[at + k] = d;
    }
  }
  return count;
}

/**
 * Appends values to a packed column a whole chunk at a time (PackedColumn.pushChunk), for writers whose values
 * jump below the chunk's first one (span parents, the span of each event): each chunk is encoded once.
 * flush() stores the last, partial chunk; the column is complete only after it.
 */
export class PackedWriter {
  private readonly chunk = new Int32Array(CHUNK);
  private filled = 0;

  constructor(readonly column: PackedColumn) {}

  push(v: number): void {
    this.chunk[this.filled++] = v;
    if (this.filled === CHUNK) this.flush();
  }

  flush(): void {
    if (this.filled === 0) return;
    this.column.pushChunk(this.chunk, this.filled);
    this.filled = 0;
  }
}
