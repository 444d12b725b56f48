/**
 * Event texts (a trace marker's message, tracing_mark_write) as UTF-8 bytes in chunked storage, each distinct
 * text stored once, decoded when read.
 *
 * Why: a test program writes the same few hundred step messages over and over. At 1 GiB the bench's 132k
 * marker texts (879 distinct) held as JS strings took 12.7 MB of heap; as bytes, one copy each, they take
 * 64 KiB, plus 2 bytes a text for which distinct text it is (idColumn.ts: 1, 2 or 4 bytes as their number
 * grows). Texts that never repeat cost their bytes plus about 12 bytes each.
 *
 * A distinct text never spans two chunks: one that does not fit in the rest of the last chunk starts the next
 * one, and one longer than a chunk gets a chunk of its own length. A read is then one slice of one chunk,
 * found by a binary search over the first distinct text of each chunk. A repeat is found by a hash of its
 * bytes in an open-addressing table of typed slots (no string kept as a key), then a byte compare.
 *
 * Exact for every string UTF-8 can hold: add() declines a string with a lone surrogate (UTF-8 would write
 * U+FFFD for it), which the caller then keeps as it is.
 */

import { fnv1a, utf8Text } from '../ingest/bytes';
import { IdColumn } from './idColumn';
import { lowerBound } from '../sorted';

const CHUNK = 1 << 16;
/** A lone high or low surrogate: not well-formed UTF-16, not representable in UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Where add() encodes a text before it knows whether the text is new. */
let scratch = Buffer.allocUnsafe(4096);

export class TextColumn {
  private readonly chunks: Buffer[] = [];
  /** Per chunk: the first distinct text in it. */
  private readonly firstText: number[] = [];
  /** Bytes used in the last chunk. */
  private used = 0;
  /** Per distinct text: its first byte in its chunk, and its length in bytes. */
  private readonly offsets = new IdColumn();
  private readonly lengths = new IdColumn();
  /** Per text: which distinct text. */
  private readonly uses = new IdColumn();
  /** Open addressing by hash: distinct text + 1, 0 for a free slot; at most half full. */
  private slots = new Int32Array(64);

  get size(): number {
    return this.uses.size;
  }

  /** Stores `s` and returns true, or returns false (nothing stored) when UTF-8 cannot give it back exactly. */
  add(s: string): boolean {
    if (LONE_SURROGATE.test(s)) return false;
    const n = Buffer.byteLength(s, 'utf8');
    if (n > scratch.length) scratch = Buffer.allocUnsafe(Math.max(n, 2 * scratch.length));
    scratch.write(s, 0, n, 'utf8');
    const mask = this.slots.length - 1;
    for (let k = fnv1a(scratch, 0, n) & mask; ; k = (k + 1) & mask) {
      const d = this.slots[k] - 1;
      if (d < 0) {
        this.slots[k] = this.store(n) + 1;
        break;
      }
      if (this.lengths.get(d) === n && this.equals(d, n)) {
        this.uses.push(d);
        return true;
      }
    }
    if (2 * this.offsets.size > this.slots.length) this.rehash();
    return true;
  }

  get(i: number): string {
    const d = this.uses.get(i);
    const offset = this.offsets.get(d);
    return utf8Text(this.chunks[this.chunkOf(d)], offset, offset + this.lengths.get(d));
  }

  /**
   * Appends every text of `src` (consumed): its chunks are taken over as they are, not copied. Its distinct
   * texts are not looked up here: a text added after the join that repeats one of them is stored again.
   */
  pushFrom(src: TextColumn): void {
    if (src.size === 0) return;
    const base = this.offsets.size;
    for (const f of src.firstText) this.firstText.push(f + base);
    for (const c of src.chunks) this.chunks.push(c);
    this.used = src.used;
    this.offsets.pushFrom(src.offsets);
    this.lengths.pushFrom(src.lengths);
    this.uses.pushFrom(src.uses, Array.from({ length: src.offsets.size }, (_, d) => d + base));
  }

  /** Stores the n bytes in `scratch` as a new distinct text; returns its number. */
  private store(n: number): number {
    if (this.chunks.length === 0 || n > CHUNK - this.used) {
      this.chunks.push(Buffer.alloc(Math.max(n, CHUNK)));
      this.firstText.push(this.offsets.size);
      this.used = 0;
    }
    scratch.copy(this.chunks[this.chunks.length - 1], this.used, 0, n);
    const d = this.offsets.size;
    this.offsets.push(this.used);
    this.lengths.push(n);
    this.uses.push(d);
    this.used += n;
    return d;
  }

  private chunkOf(d: number): number {
    return lowerBound(this.firstText, d, true) - 1;
  }

  /** Whether distinct text d's bytes are the n bytes in `scratch`. */
  private equals(d: number, n: number): boolean {
    const offset = this.offsets.get(d);
    return scratch.compare(this.chunks[this.chunkOf(d)], offset, offset + n, 0, n) === 0;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let d = 0; d < this.offsets.size; d++) {
      const offset = this.offsets.get(d);
      let k = fnv1a(this.chunks[this.chunkOf(d)], offset, offset + this.lengths.get(d)) & mask;
      while (slots[k] !== 0) k = (k + 1) & mask;
      slots[k] = d + 1;
    }
    this.slots = slots;
  }

  /** A column that crossed a thread boundary (a plain object, chunks as Uint8Arrays): its classes back, no copy. */
  static revive(sent: TextColumn): TextColumn {
    if (sent instanceof TextColumn) return sent;
    const t = sent as unknown as { chunks: Uint8Array[]; offsets: object; lengths: object; uses: object };
    t.chunks = t.chunks.map((u) => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength)));
    for (const c of [t.offsets, t.lengths, t.uses]) Object.setPrototypeOf(c, IdColumn.prototype);
    return Object.setPrototypeOf(sent, TextColumn.prototype) as TextColumn;
  }

  bytes(): number {
    return this.chunks.reduce((b, c) => b + c.byteLength, 0) + this.offsets.bytes() + this.lengths.bytes() + this.uses.bytes() + this.slots.byteLength;
  }
}
