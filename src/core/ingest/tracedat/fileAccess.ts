/**
 * Random access to a trace.dat through one file handle. trace.dat is an offset-addressed container (v7
 * sections point at each other, per-CPU data lives at page-aligned offsets), so every read says where it
 * reads; nothing ever loads the whole file. A short read is a truncated file: it raises a TraceInputError
 * naming the byte offset, so the caller can stop cleanly and keep what it already emitted.
 */

import { open, type FileHandle } from 'node:fs/promises';
import { TraceInputError } from '../types';

/** Formats a byte offset the way error messages show it: decimal and hex. */
export function at(offset: number): string {
  return `byte offset ${offset} (0x${offset.toString(16)})`;
}

export class DatFile {
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<DatFile> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw new TraceInputError(`cannot open: ${(e as Error).message}`, path);
    }
    const st = await fh.stat();
    return new DatFile(path, fh, st.size);
  }

  fail(message: string, offset: number): TraceInputError {
    return new TraceInputError(`${message} at ${at(offset)}`, this.path);
  }

  /** Reads exactly `len` bytes at `offset`, or throws a truncation error naming what was being read. */
  async read(offset: number, len: number, what: string): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(len) || len < 0) {
      throw this.fail(`invalid ${what} location (offset ${offset}, length ${len})`, Math.max(0, offset) || 0);
    }
    if (offset + len > this.size) {
      throw this.fail(
        `truncated file: ${what} needs ${len} bytes but the file ends at ${this.size} (${this.size - offset} left)`,
        offset,
      );
    }
    const buf = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const { bytesRead } = await this.fh.read(buf, done, len - done, offset + done);
      if (bytesRead === 0) throw this.fail(`truncated file while reading ${what}`, offset + done);
      done += bytesRead;
    }
    return buf;
  }

  /** Reads up to `len` bytes (fewer at end of file). */
  async readUpTo(offset: number, len: number): Promise<Buffer> {
    const n = Math.max(0, Math.min(len, this.size - offset));
    const buf = Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const { bytesRead } = await this.fh.read(buf, done, n - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === n ? buf : buf.subarray(0, done);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/**
 * Endian-aware cursor over an in-memory buffer (metadata sections, decompressed blocks). All numbers in a
 * trace.dat after the initial header are in the file's endianness (trace-cmd.dat.v6/v7 "INITIAL FORMAT").
 */
export class Cursor {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly little: boolean,
    /** File offset of buf[0], for error messages (-1 when the bytes came from a decompressed block). */
    readonly base: number,
    readonly onError: (message: string, offset: number) => Error,
  ) {}

  get left(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw this.onError(`truncated ${what}: needs ${n} bytes, ${this.left} left`, this.base + this.pos);
    }
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.little ? this.buf.readUInt16LE(this.pos) : this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.little ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A u64 that must fit a JS number (offsets and sizes): larger values are a corrupt file. */
  u64(what = 'u64'): number {
    const v = this.u64big(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.onError(`${what} too large (${v})`, this.base + this.pos - 8);
    return Number(v);
  }

  u64big(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.little ? this.buf.readBigUInt64LE(this.pos) : this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number, what = 'data'): Buffer {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** A NUL-terminated string (latin1 is enough for metadata names; text blobs use utf8 explicitly). */
  cstr(what = 'string'): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw this.onError(`unterminated ${what}`, this.base + this.pos);
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }
}
