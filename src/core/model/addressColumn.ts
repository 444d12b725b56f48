/**
 * The address columns of the event store: `a` (a page address, or a range's start) and `b` (a range's end),
 * both NaN for most events. As Float64Array they cost 16 bytes per event; here 5 + 1.
 *
 * AddressColumn: a user or kernel address is up to 2^48, but one 64Ki-event chunk of a trace touches few
 * 4 GiB windows (21 in the bench trace), so a value is kept as its low 32 bits plus a 1-byte code naming its
 * high part in the chunk's small table (code 0 = NaN). A chunk with a value that is not a non-negative safe
 * integer, or with more than 255 high parts, becomes a Float64Array chunk: every value comes back exactly.
 *
 * RangeEndColumn: a range end is its start plus a length, and a trace's invalidations come in few lengths
 * (one page, a THP, a migrate_vma batch: 38 distinct in the bench trace), so a 1-byte code names the length
 * in the chunk's dictionary of up to 254 (code 0 = NaN). The rest (RELEASE/unmap ranges that end at 2^64-1,
 * an end without a start, the 255th length) go to a per-chunk table, and a chunk where that table would
 * outgrow a Float64Array chunk becomes one.
 */

import type { Column } from './columns';

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
const TWO32 = 4294967296;

export class AddressColumn implements Column {
  private readonly lo: (Uint32Array | undefined)[] = [];
  private readonly code: (Uint8Array | undefined)[] = [];
  private readonly his: number[][] = [];
  private readonly wide: (Float64Array | undefined)[] = [];
  private length = 0;
  /** The high part met last and its code in the last chunk: consecutive addresses mostly share it. */
  private lastHi = -1;
  private lastCode = 0;

  push(v: number): void {
    const i = this.length;
    if ((i & MASK) === 0) {
      this.lo.push(new Uint32Array(CHUNK));
      this.code.push(new Uint8Array(CHUNK));
      this.his.push([]);
      this.wide.push(undefined);
      this.lastHi = -1;
    }
    this.put(i, v);
    this.length = i + 1;
  }

  private put(i: number, v: number): void {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.wide[c];
    if (w !== undefined) {
      w[k] = v;
      return;
    }
    if (v !== v) {
      this.code[c]![k] = 0;
      return;
    }
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v && (v !== 0 || 1 / v > 0)) {
      const hi = Math.floor(v / TWO32);
      let code = 0;
      if (hi === this.lastHi && c === this.his.length - 1) code = this.lastCode;
      else {
        const his = this.his[c];
        code = his.indexOf(hi) + 1;
        if (code === 0 && his.length < 255) code = his.push(hi);
        if (c === this.his.length - 1) {
          this.lastHi = hi;
          this.lastCode = code;
        }
      }
      if (code !== 0) {
        this.lo[c]![k] = v - hi * TWO32;
        this.code[c]![k] = code;
        return;
      }
    }
    this.widen(c, k, v);
  }

  private widen(c: number, k: number, v: number): void {
    const start = c << SHIFT;
    const f = new Float64Array(CHUNK);
    const filled = Math.min(CHUNK, this.length - start);
    for (let j = 0; j < filled; j++) f[j] = this.get(start + j);
    f[k] = v;
    this.wide[c] = f;
    this.lo[c] = this.code[c] = undefined;
    this.his[c] = [];
  }

  get(i: number): number {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.wide[c];
    if (w !== undefined) return w[k];
    const h = this.code[c]![k];
    return h === 0 ? NaN : this.his[c][h - 1] * TWO32 + this.lo[c]![k];
  }

  set(i: number, v: number): void {
    this.put(i, v);
  }

  /**
   * Appends every value of `src` (a part built on another thread, consumed). Past the seam chunk, each new
   * chunk is `src`'s chunk j, its arrays adopted: the tail moved to the front, then the head of chunk j+1
   * copied behind (low words by memcpy, codes through a 256-entry map into chunk j's high parts).
   */
  pushFrom(src: Column): void {
    const s = src as AddressColumn;
    const n = s.length;
    const r = (CHUNK - (this.length & MASK)) & MASK;
    // the seam chunk (this column's last, part-filled) takes the head of the part's first chunk
    if (r > 0 && n > 0) this.copyHead(s, 0, Math.min(r, n));
    for (let j = 0; j * CHUNK + r < n; j++) {
      const tail = Math.min(CHUNK, n - j * CHUNK) - r;
      const head = r === 0 ? 0 : Math.max(0, Math.min(r, n - (j + 1) * CHUNK));
      const lo = s.lo[j];
      const code = s.code[j];
      if (lo === undefined || code === undefined) {
        for (let i = j * CHUNK + r; i < (j + 1) * CHUNK + head && i < n; i++) this.push(s.get(i));
        continue;
      }
      if (r > 0) {
        lo.copyWithin(0, r, r + tail);
        code.copyWithin(0, r, r + tail);
      }
      this.lo.push(lo);
      this.code.push(code);
      this.his.push(s.his[j]);
      this.wide.push(undefined);
      this.length += tail;
      if (head > 0) this.copyHead(s, j + 1, head);
    }
    this.lastHi = -1;
  }

  /** Appends the first `head` values of `s`'s chunk j to this column's last chunk. */
  private copyHead(s: AddressColumn, j: number, head: number): void {
    const c = this.lo.length - 1;
    const at = this.length & MASK;
    const his = this.his[c];
    const map = new Uint8Array(256);
    const from = s.his[j];
    let fits = s.lo[j] !== undefined && this.lo[c] !== undefined;
    for (let h = 0; fits && h < from.length; h++) {
      let code = his.indexOf(from[h]) + 1;
      if (code === 0 && his.length < 255) code = his.push(from[h]);
      map[h + 1] = code;
      fits = code !== 0;
    }
    if (!fits) {
      this.lastHi = -1;
      for (let k = 0; k < head; k++) this.push(s.get(j * CHUNK + k));
      return;
    }
    this.lo[c]!.set(s.lo[j]!.subarray(0, head), at);
    recode(this.code[c]!, at, s.code[j]!, head, map);
    this.length += head;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    let b = 0;
    for (const w of this.wide) b += w ? CHUNK * 8 : CHUNK * 5;
    return b;
  }
}

const END_NONE = 0;
const END_TABLE = 255;
/** Codes 1..254 name a length in the chunk's dictionary. */
const MAX_LENGTHS = 254;
/** Past this many table entries (about 40 bytes each) a chunk is smaller as 8 bytes per event. */
const TABLE_MAX = CHUNK / 8;

export class RangeEndColumn implements Column {
  private readonly code: (Uint8Array | undefined)[] = [];
  private readonly lengths: number[][] = [];
  private readonly table: (Map<number, number> | undefined)[] = [];
  private readonly wide: (Float64Array | undefined)[] = [];
  private length = 0;

  /** @param start the column of range starts; a value is pushed after its event's start */
  constructor(private readonly start: Column) {}

  push(v: number): void {
    this.pushEnd(v, NaN);
  }

  /**
   * push() of the end of a range whose start, `start`, the start column has just taken (EventStore.append):
   * not read back from that column (a rank in its presence bits, ~40% of the events); NaN: read it.
   */
  pushEnd(v: number, start: number): void {
    const i = this.length;
    if ((i & MASK) === 0) {
      this.code.push(new Uint8Array(CHUNK));
      this.lengths.push([]);
      this.table.push(undefined);
      this.wide.push(undefined);
    }
    this.put(i, v, start);
    this.length = i + 1;
  }

  private put(i: number, v: number, start = NaN): void {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.wide[c];
    if (w !== undefined) {
      w[k] = v;
      return;
    }
    const codes = this.code[c]!;
    if (v !== v) {
      codes[k] = END_NONE;
      return;
    }
    const a = start === start ? start : this.start.get(i);
    const d = v - a;
    // the length must give the end back exactly: a + d can round when a is past 2^53 or d is not an integer
    if (a + d === v && Number.isSafeInteger(d) && (v !== 0 || 1 / v > 0)) {
      const lengths = this.lengths[c];
      let code = lengths.indexOf(d) + 1;
      if (code === 0 && lengths.length < MAX_LENGTHS) code = lengths.push(d);
      if (code !== 0) {
        codes[k] = code;
        return;
      }
    }
    codes[k] = END_TABLE;
    let t = this.table[c];
    if (t === undefined) this.table[c] = t = new Map();
    t.set(k, v);
    if (t.size > TABLE_MAX) this.widen(c, i);
  }

  private widen(c: number, i: number): void {
    const start = c << SHIFT;
    const f = new Float64Array(CHUNK);
    const filled = Math.min(CHUNK, Math.max(this.length, i + 1) - start);
    for (let j = 0; j < filled; j++) f[j] = this.get(start + j);
    this.wide[c] = f;
    this.code[c] = this.table[c] = undefined;
    this.lengths[c] = [];
  }

  get(i: number): number {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.wide[c];
    if (w !== undefined) return w[k];
    const code = this.code[c]![k];
    if (code === END_NONE) return NaN;
    return code === END_TABLE ? this.table[c]!.get(k)! : this.start.get(i) + this.lengths[c][code - 1];
  }

  /**
   * get(i) of an event whose start the caller has just read (`start`: the start column's value at i): the
   * start is not read again (a rank in its presence bits; placement and the replay read both ends of ~1.3 M
   * ranges at 1 GiB).
   */
  endAt(i: number, start: number): number {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.wide[c];
    if (w !== undefined) return w[k];
    const code = this.code[c]![k];
    if (code === END_NONE) return NaN;
    return code === END_TABLE ? this.table[c]!.get(k)! : start + this.lengths[c][code - 1];
  }

  set(i: number, v: number): void {
    this.table[i >>> SHIFT]?.delete(i & MASK);
    this.put(i, v);
  }

  /**
   * Appends every value of `src` (a part built on another thread, consumed) after this column's starts took
   * theirs: an end is read back as this column's start plus a length, so `src`'s own starts (already moved
   * into this column's) are never read. Past the seam chunk, each new chunk is `src`'s chunk j, its codes
   * adopted as AddressColumn.pushFrom does, the head of chunk j+1 mapped into chunk j's lengths.
   */
  pushFrom(src: Column): void {
    const s = src as RangeEndColumn;
    const n = s.length;
    const first = this.length;
    const r = (CHUNK - (first & MASK)) & MASK;
    if (r > 0 && n > 0) this.copyHead(s, 0, Math.min(r, n), first);
    for (let j = 0; j * CHUNK + r < n; j++) {
      const tail = Math.min(CHUNK, n - j * CHUNK) - r;
      const head = r === 0 ? 0 : Math.max(0, Math.min(r, n - (j + 1) * CHUNK));
      const code = s.code[j];
      if (code === undefined) {
        for (let i = j * CHUNK + r; i < (j + 1) * CHUNK + head && i < n; i++) this.push(this.valueOf(s, i, first + i));
        continue;
      }
      if (r > 0) code.copyWithin(0, r, r + tail);
      let table: Map<number, number> | undefined;
      for (const [k, v] of s.table[j] ?? []) if (k >= r) (table ??= new Map()).set(k - r, v);
      this.code.push(code);
      this.lengths.push(s.lengths[j]);
      this.table.push(table);
      this.wide.push(undefined);
      this.length += tail;
      if (head > 0) this.copyHead(s, j + 1, head, first);
    }
  }

  /** The end `s` holds at its index i, read with this column's start at index `at` (the same start, moved). */
  private valueOf(s: RangeEndColumn, i: number, at: number): number {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = s.wide[c];
    if (w !== undefined) return w[k];
    const code = s.code[c]![k];
    if (code === END_NONE) return NaN;
    return code === END_TABLE ? s.table[c]!.get(k)! : this.start.get(at) + s.lengths[c][code - 1];
  }

  /** Appends the first `head` values of `s`'s chunk j to this column's last chunk. */
  private copyHead(s: RangeEndColumn, j: number, head: number, first: number): void {
    const c = this.code.length - 1;
    const at = this.length & MASK;
    const lengths = this.lengths[c];
    const map = new Uint8Array(256);
    map[END_TABLE] = END_TABLE;
    const from = s.lengths[j];
    let fits = s.code[j] !== undefined && this.code[c] !== undefined;
    for (let h = 0; fits && h < from.length; h++) {
      let code = lengths.indexOf(from[h]) + 1;
      if (code === 0 && lengths.length < MAX_LENGTHS) code = lengths.push(from[h]);
      map[h + 1] = code;
      fits = code !== 0;
    }
    if (!fits) {
      for (let k = 0; k < head; k++) this.push(this.valueOf(s, j * CHUNK + k, first + j * CHUNK + k));
      return;
    }
    recode(this.code[c]!, at, s.code[j]!, head, map);
    this.length += head;
    const extra = s.table[j];
    if (extra === undefined) return;
    let t = this.table[c];
    for (const [k, v] of extra) if (k < head) (t ??= this.table[c] = new Map()).set(at + k, v);
    if (t !== undefined && t.size > TABLE_MAX) this.widen(c, this.length - 1);
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    let b = 0;
    for (let c = 0; c < this.wide.length; c++) b += this.wide[c] ? CHUNK * 8 : CHUNK + (this.table[c]?.size ?? 0) * 40;
    return b;
  }
}

/**
 * The first `count` codes of `from` through `map` into `to` from `at`. Its own function, called per chunk, so
 * that it is optimized once (in pushFrom the loop was compiled on stack and dropped at each chunk).
 */
function recode(to: Uint8Array, at: number, from: Uint8Array, count: number, map: Uint8Array): void {
  for (let k = 0; k < count; k++) to[at + k] = map[from[k]];
}
