/**
 * 64-bit values (PTEs, migrate PFNs, struct page pointers of the extra table) as a low 32-bit word and an id
 * of the high word. The high words of one trace's values are few: at 1 GiB the bench's 705k PTEs have 7
 * (the NX bit, swap and device-private entry types), its 290k src/dst PFNs and 291k fault pages 2 each. So a
 * value takes 4 + 1 bytes instead of 8 (1.58 M values: 12.6 → 7.9 MB), and reads back exactly: any other
 * high word gets an id of its own (the id column widens past 256 of them, idColumn.ts).
 *
 * A value is split and joined through one 8-byte scratch buffer seen as a BigUint64Array and as two 32-bit
 * words: a read builds its one BigInt as a BigUint64Array read does, with no BigInt arithmetic.
 */

import { IdColumn } from './idColumn';

// 16Ki rows (64 KiB of low words) per chunk: a small trace with a few PTEs does not hold 256 KiB for them
const SHIFT = 14;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

const SCRATCH = new BigUint64Array(1);
const WORDS = new Uint32Array(SCRATCH.buffer);
/** Which of the two words is the low one (0 on a little-endian machine). */
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

export class U64Column {
  private readonly lo: Uint32Array[] = [];
  /** Per value: the index of its high word in `highWords`. */
  private readonly hi = new IdColumn();
  /** The distinct high words in first-seen order, and the index of each. */
  private readonly highWords: number[] = [];
  private readonly highIds = new Map<number, number>();
  size = 0;

  push(v: bigint): void {
    SCRATCH[0] = v;
    this.pushWords(WORDS[HI], WORDS[LO]);
  }

  /** push() of the value hi × 2^32 + lo (both 32-bit words): no BigInt made. */
  pushWords(hi: number, lo: number): void {
    if ((this.size & MASK) === 0) this.lo.push(new Uint32Array(CHUNK));
    this.lo[this.size >>> SHIFT][this.size & MASK] = lo;
    this.hi.push(this.highId(hi));
    this.size++;
  }

  get(i: number): bigint {
    WORDS[LO] = this.lo[i >>> SHIFT][i & MASK];
    WORDS[HI] = this.highWords[this.hi.get(i)];
    return SCRATCH[0];
  }

  /** The low 32-bit word of value i (a number: no BigInt made). */
  low(i: number): number {
    return this.lo[i >>> SHIFT][i & MASK];
  }

  /** The index of value i's high word: values with one high word share it (see high()). */
  highIndex(i: number): number {
    return this.hi.get(i);
  }

  /** The high 32-bit word of index h (highIndex): indices never change once given. */
  high(h: number): number {
    return this.highWords[h];
  }

  private highId(w: number): number {
    let id = this.highIds.get(w);
    if (id === undefined) {
      id = this.highWords.push(w) - 1;
      this.highIds.set(w, id);
    }
    return id;
  }

  /** Appends every value of `src`: one or two TypedArray.set per chunk of low words, its high-word ids mapped. */
  pushFrom(src: U64Column): void {
    const n = this.size;
    for (let i = 0; i < src.size; ) {
      if ((this.size & MASK) === 0) this.lo.push(new Uint32Array(CHUNK));
      const k = i & MASK;
      const count = Math.min(CHUNK - (this.size & MASK), CHUNK - k, src.size - i);
      this.lo[this.size >>> SHIFT].set(src.lo[i >>> SHIFT].subarray(k, k + count), this.size & MASK);
      this.size += count;
      i += count;
    }
    if (this.size > n) this.hi.pushFrom(src.hi, src.highWords.map((w) => this.highId(w)));
  }

  /** A column that crossed a thread boundary (a plain object with the same fields): its classes back, no copy. */
  static revive(sent: U64Column): U64Column {
    if (sent instanceof U64Column) return sent;
    Object.setPrototypeOf((sent as unknown as { hi: object }).hi, IdColumn.prototype);
    return Object.setPrototypeOf(sent, U64Column.prototype) as U64Column;
  }

  bytes(): number {
    return this.lo.length * CHUNK * 4 + this.hi.bytes();
  }
}
