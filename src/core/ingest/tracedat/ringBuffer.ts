/**
 * One CPU's flyrecord data: a run of ring-buffer sub-buffers ("pages") exactly as the kernel wrote them
 * (kernel/trace/ring_buffer.c), stored raw (v6, v7 `none`) or in compressed chunks of whole pages (v7).
 *
 * Page layout comes from `header_page`: a u64 timestamp, then `commit` (a kernel long) whose low 27 bits are
 * the bytes of event data and whose bits 31/30 say events were lost before this page (RB_MISSED_EVENTS) and
 * that the count is stored after the data (RB_MISSED_STORED). Events start with a u32: `type_len:5,
 * time_delta:27` (bit order follows the file's endianness, as in libtraceevent's kbuffer):
 *   type_len 1..28  data of type_len*4 bytes follows
 *   type_len 0      data length in the next u32 (which counts itself)
 *   29 PADDING      discarded event or the rest of the page; next u32 is its length
 *   30 TIME_EXTEND  delta = (next u32 << 27) + time_delta, no data
 *   31 TIME_STAMP   absolute timestamp = (next u32 << 27) + time_delta, no data
 *
 * Memory is bounded: each CPU holds one read block (a few hundred KiB) or one decompressed chunk.
 */

import { MAX_BLOCK, decompressBlock, type Codec } from './compression';
import { at, type DatFile } from './fileAccess';
import type { HeaderPage } from './eventFormat';
import { TraceInputError } from '../types';

const TYPE_PADDING = 29;
const TYPE_TIME_EXTEND = 30;
const TYPE_TIME_STAMP = 31;
const COMMIT_MASK = (1 << 27) - 1;
const MISSING_EVENTS = 2 ** 31;
const MISSING_STORED = 2 ** 30;

export interface CpuSource {
  cpu: number;
  offset: number;
  size: number;
}

export class CpuReader {
  /** The current record (valid after advance() returned true). */
  ts = 0;
  recStart = 0;
  recLen = 0;
  /** File offset of the record header; for compressed data, of the chunk that holds it. */
  recOffset = 0;
  /** Events the kernel dropped right before the current record: 0 none, -1 unknown count. */
  lostBefore = 0;
  buf: Buffer = Buffer.alloc(0);
  bytesDone = 0;

  private blockFileOffset = 0;
  private pageBase = -1;
  private pos = 0;
  private end = 0;
  private pageTs = 0;
  private pendingLost = 0;
  private readPos: number;
  private chunksLeft = -1;
  private done = false;

  constructor(
    private readonly f: DatFile,
    private readonly src: CpuSource,
    readonly cpu: number,
    private readonly hp: HeaderPage,
    private readonly pageSize: number,
    private readonly little: boolean,
    private readonly longSize: number,
    private readonly codec: Codec | undefined,
    private readonly blockBytes: number,
  ) {
    this.readPos = src.offset;
  }

  /** Loads the next block of pages; false at the end of this CPU's data. */
  private async loadBlock(): Promise<boolean> {
    const limit = this.src.offset + this.src.size;
    if (this.codec === undefined) {
      if (this.readPos >= limit) return false;
      const want = Math.min(this.blockBytes, limit - this.readPos);
      const got = await this.f.readUpTo(this.readPos, want);
      if (got.length === 0) {
        throw this.f.fail(`truncated file: CPU ${this.cpu} data ends early (${limit - this.readPos} bytes missing)`, this.readPos);
      }
      this.blockFileOffset = this.readPos;
      this.buf = got;
      this.readPos += got.length;
      this.bytesDone += got.length;
      this.pageBase = -this.pageSize;
      return true;
    }
    if (this.chunksLeft < 0) {
      this.chunksLeft = this.readU32(await this.f.read(this.readPos, 4, `CPU ${this.cpu} chunk count`), 0);
      this.readPos += 4;
      this.bytesDone += 4;
    }
    if (this.chunksLeft === 0) return false;
    const chunkAt = this.readPos;
    const hdr = await this.f.read(chunkAt, 8, `CPU ${this.cpu} chunk header`);
    const csize = this.readU32(hdr, 0);
    const usize = this.readU32(hdr, 4);
    if (usize % this.pageSize !== 0 || usize === 0 || usize > MAX_BLOCK) throw this.f.fail(`corrupt chunk header (uncompressed size ${usize})`, chunkAt);
    const data = await this.f.read(chunkAt + 8, csize, `CPU ${this.cpu} compressed chunk`);
    try {
      this.buf = decompressBlock(this.codec, data, usize);
    } catch (e) {
      throw this.f.fail(`corrupt compressed chunk of CPU ${this.cpu}: ${(e as Error).message}`, chunkAt);
    }
    this.chunksLeft--;
    this.blockFileOffset = chunkAt;
    this.readPos = chunkAt + 8 + csize;
    this.bytesDone += 8 + csize;
    this.pageBase = -this.pageSize;
    return true;
  }

  private readU32(b: Buffer, o: number): number {
    return this.little ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }

  private readLong(b: Buffer, o: number): number {
    if (this.longSize === 4) return this.readU32(b, o);
    return Number(this.little ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  }

  /** Moves to the next page holding data; false when the block is exhausted. */
  private nextPage(): boolean {
    const hp = this.hp;
    for (;;) {
      this.pageBase += this.pageSize;
      if (this.pageBase + hp.dataOffset > this.buf.length) return false;
      const b = this.buf;
      const p = this.pageBase;
      this.pageTs = Number(this.little ? b.readBigUInt64LE(p + hp.timestampOffset) : b.readBigUInt64BE(p + hp.timestampOffset));
      const commit = this.readLong(b, p + hp.commitOffset);
      // the flags live in bits 31/30 of the low word, whatever the long size
      const low = commit % 2 ** 32;
      const size = low & COMMIT_MASK;
      if (low >= MISSING_EVENTS) {
        const stored = (low - MISSING_EVENTS) >= MISSING_STORED;
        const where = p + hp.dataOffset + size;
        this.pendingLost = stored && where + this.longSize <= this.buf.length ? this.readLong(b, where) : -1;
      }
      if (size === 0) continue;
      const maxData = Math.min(this.pageSize - hp.dataOffset, this.buf.length - p - hp.dataOffset);
      if (size > maxData && p + hp.dataOffset + size > this.buf.length && this.readPos >= this.f.size) {
        throw this.f.fail(`truncated file: CPU ${this.cpu} data ends inside a ring-buffer page`, this.pageFileOffset());
      }
      if (size > maxData) {
        throw new TraceInputError(
          `corrupt ring-buffer page of CPU ${this.cpu}: commit size ${size} exceeds the page at ${at(this.pageFileOffset())}`,
          this.f.path,
        );
      }
      this.pos = p + hp.dataOffset;
      this.end = this.pos + size;
      return true;
    }
  }

  private pageFileOffset(): number {
    return this.codec === undefined ? this.blockFileOffset + this.pageBase : this.blockFileOffset;
  }

  /** Advances to the next data record. Resolves false at the end of this CPU's data. */
  async advance(): Promise<boolean> {
    for (;;) {
      if (this.advanceSync()) return true;
      if (this.done) return false;
      if (!(await this.loadBlock())) {
        this.done = true;
        return false;
      }
    }
  }

  /** Synchronous fast path: true with a record, false when a block load (advance()) is needed. */
  advanceSync(): boolean {
    for (;;) {
      if (this.nextRecordInPage()) return true;
      if (!this.nextPage()) return false;
    }
  }

  private nextRecordInPage(): boolean {
    const b = this.buf;
    while (this.pos + 4 <= this.end) {
      const start = this.pos;
      const word = this.readU32(b, start);
      let typeLen: number;
      let delta: number;
      if (this.little) {
        typeLen = word & 0x1f;
        delta = word >>> 5;
      } else {
        typeLen = word >>> 27;
        delta = word & 0x7ffffff;
      }
      let p = start + 4;
      if (typeLen === TYPE_PADDING) {
        if (delta === 0 && p + 4 > this.end) {
          this.pos = this.end;
          break;
        }
        const len = p + 4 <= this.end ? this.readU32(b, p) : 0;
        // libtraceevent's kbuffer adds a padding event's delta too (a discarded event keeps its delta)
        this.pageTs += delta;
        this.pos = p + len;
        if (len === 0) this.pos = this.end;
        continue;
      }
      if (typeLen === TYPE_TIME_EXTEND || typeLen === TYPE_TIME_STAMP) {
        if (p + 4 > this.end) break;
        const ext = this.readU32(b, p) * 2 ** 27 + delta;
        if (typeLen === TYPE_TIME_EXTEND) this.pageTs += ext;
        else this.pageTs = ext;
        this.pos = p + 4;
        continue;
      }
      let len: number;
      if (typeLen === 0) {
        if (p + 4 > this.end) break;
        len = this.readU32(b, p) - 4;
        len = (len + 3) & ~3;
        p += 4;
      } else {
        len = typeLen * 4;
      }
      if (len <= 0 || p + len > this.end) {
        throw new TraceInputError(
          `corrupt ring-buffer event on CPU ${this.cpu} (length ${len}) in the page at ${at(this.pageFileOffset())}`,
          this.f.path,
        );
      }
      this.pageTs += delta;
      this.ts = this.pageTs;
      this.recStart = p;
      this.recLen = len;
      this.recOffset = this.codec === undefined ? this.blockFileOffset + start : this.blockFileOffset;
      this.lostBefore = this.pendingLost;
      this.pendingLost = 0;
      this.pos = p + len;
      return true;
    }
    this.pos = this.end;
    return false;
  }
}
