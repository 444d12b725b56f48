/**
 * Event texts (a trace marker's message, tracing_mark_write) as UTF-8 bytes in chunked storage, decoded when
 * read. At 1 GiB the bench's 132k marker texts held as JS strings took 12.7 MB of heap (a string header and
 * one or two bytes a character each); as bytes they take about 6 MB outside the JS heap, plus 3 bytes a text:
 * its offset in its chunk (2 bytes: a chunk is 64 KiB) and its length (1 byte below 256).
 *
 * A text never spans two chunks: one that does not fit in the rest of the last chunk starts the next one, and
 * one longer than a chunk gets a chunk of its own length. A read is then one slice of one chunk, found by a
 * binary search over the first text of each chunk (a hundred chunks at 1 GiB). Exact for every string UTF-8
 * can hold: add() declines a string with a lone surrogate (UTF-8 would write U+FFFD for it), which the caller
 * then keeps as it is.
 */

import { utf8Text } from '../ingest/bytes';
import { IdColumn } from './idColumn';
import { lowerBound } from '../sorted';

const CHUNK = 1 << 16;
/** A lone high or low surrogate: not well-formed UTF-16, not representable in UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class TextColumn {
  private readonly chunks: Buffer[] = [];
  /** Per chunk: the index of its first text. */
  private readonly firstText: number[] = [];
  /** Bytes used in the last chunk. */
  private used = 0;
  /** Per text: its first byte in its chunk, and its length in bytes. */
  private readonly offsets = new IdColumn();
  private readonly lengths = new IdColumn();

  get size(): number {
    return this.lengths.size;
  }

  /** Stores `s` and returns true, or returns false (nothing stored) when UTF-8 cannot give it back exactly. */
  add(s: string): boolean {
    if (LONE_SURROGATE.test(s)) return false;
    const n = Buffer.byteLength(s, 'utf8');
    if (this.chunks.length === 0 || n > CHUNK - this.used) {
      this.chunks.push(Buffer.alloc(Math.max(n, CHUNK)));
      this.firstText.push(this.size);
      this.used = 0;
    }
    if (n > 0) this.chunks[this.chunks.length - 1].write(s, this.used, n, 'utf8');
    this.offsets.push(this.used);
    this.lengths.push(n);
    this.used += n;
    return true;
  }

  get(i: number): string {
    const c = lowerBound(this.firstText, i, true) - 1;
    const offset = this.offsets.get(i);
    return utf8Text(this.chunks[c], offset, offset + this.lengths.get(i));
  }

  /** Appends every text of `src` (consumed): its chunks are taken over as they are, not copied. */
  pushFrom(src: TextColumn): void {
    if (src.size === 0) return;
    for (const f of src.firstText) this.firstText.push(f + this.size);
    for (const c of src.chunks) this.chunks.push(c);
    this.used = src.used;
    this.offsets.pushFrom(src.offsets);
    this.lengths.pushFrom(src.lengths);
  }

  /** A column that crossed a thread boundary (a plain object, chunks as Uint8Arrays): its classes back, no copy. */
  static revive(sent: TextColumn): TextColumn {
    if (sent instanceof TextColumn) return sent;
    const t = sent as unknown as { chunks: Uint8Array[]; offsets: object; lengths: object };
    t.chunks = t.chunks.map((u) => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength)));
    Object.setPrototypeOf(t.offsets, IdColumn.prototype);
    Object.setPrototypeOf(t.lengths, IdColumn.prototype);
    return Object.setPrototypeOf(sent, TextColumn.prototype) as TextColumn;
  }

  bytes(): number {
    return this.chunks.reduce((b, c) => b + c.byteLength, 0) + this.offsets.bytes() + this.lengths.bytes();
  }
}
