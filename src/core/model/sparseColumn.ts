/**
 * Integers most events have none of (return values: 77% of the bench trace's events have none): one
 * presence bit per event, and only the values present, in file order, in a packed column. An event's value
 * is found by its rank among the present ones: the chunk's count before it, the word's count within the
 * chunk (a Uint16Array beside the bits) and the bits below it in its word. ~0.19 bytes per event plus 2 per
 * value (0.65 bytes per event instead of 2 for the bench trace's return values, 8 MB less at 1 GiB).
 *
 * Values are pushed, not inserted: set() changes a value present, or leaves none as none.
 */

import type { Column } from './columns';
import { reviveColumn } from './columns';
import { PackedColumn } from './packedColumn';

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
const WORDS = CHUNK >>> 5;

export class SparseColumn implements Column {
  /** Per chunk: a presence bit per event. */
  private readonly bits: Uint32Array[] = [];
  /** Per chunk: the values present in the chunk before each 32-event word. */
  private readonly before: Uint16Array[] = [];
  /** Per chunk: the values present before the chunk. */
  private readonly chunkRank: number[] = [];
  private readonly values = new PackedColumn();
  /** Values present so far (the values column's size, except while a join appends them ahead). */
  private present = 0;
  private length = 0;

  constructor(private readonly none: number) {}

  push(v: number): void {
    const has = v !== this.none;
    if (has) this.values.push(v);
    this.mark(has);
  }

  /** Appends one event's presence bit. */
  private mark(has: boolean): void {
    const i = this.length;
    const k = i & MASK;
    if (k === 0) {
      this.bits.push(new Uint32Array(WORDS));
      this.before.push(new Uint16Array(WORDS));
      this.chunkRank.push(this.present);
    }
    const c = i >>> SHIFT;
    if ((k & 31) === 0) this.before[c][k >>> 5] = this.present - this.chunkRank[c];
    if (has) {
      this.bits[c][k >>> 5] |= 1 << (k & 31);
      this.present++;
    }
    this.length = i + 1;
  }

  /** The rank of event i's value among the present ones, -1 when it has none. */
  private rank(i: number): number {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const w = this.bits[c][k >>> 5];
    const m = 1 << (k & 31);
    if ((w & m) === 0) return -1;
    return this.chunkRank[c] + this.before[c][k >>> 5] + popcount(w & (m - 1));
  }

  get(i: number): number {
    const r = this.rank(i);
    return r < 0 ? this.none : this.values.get(r);
  }

  set(i: number, v: number): void {
    const r = this.rank(i);
    if ((r < 0) !== (v === this.none)) throw new Error(`event ${i}: a sparse column does not insert or remove a value`);
    if (r >= 0) this.values.set(r, v);
  }

  /** Appends every value of `src` (a part built on another thread, consumed): its values joined as a packed column, its bits one by one (~1 ns an event). */
  pushFrom(src: Column): void {
    const s = src as SparseColumn;
    this.values.pushFrom(reviveColumn(s.values, this.values));
    for (let i = 0; i < s.length; i++) this.mark(((s.bits[i >>> SHIFT][(i & MASK) >>> 5] >>> (i & 31)) & 1) === 1);
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.bits.length * WORDS * 6 + this.values.bytes();
  }
}

/** The set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
