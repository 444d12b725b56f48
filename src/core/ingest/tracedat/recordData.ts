/**
 * Reading a record's fields by their `format` description: scalars of 1/2/4/8 bytes with the declared
 * signedness, fixed arrays, char arrays (strings up to the first NUL), and dynamic data (`__data_loc`: a u32
 * whose low 16 bits are the offset from the record start and high 16 bits the length; `__rel_loc`: the same
 * with the offset counted from the end of the field itself).
 */

import type { FieldFormat } from './eventFormat';

/** A run of bytes inside the record (arrays, strings, dynamic data). */
export interface Bytes {
  kind: 'bytes';
  start: number;
  len: number;
  elem: number;
  signed: boolean;
  str: boolean;
}

export type Val = bigint | string | Bytes;

export interface RecordView {
  buf: Buffer;
  /** Start of the record payload (common_type) in buf. */
  start: number;
  len: number;
  little: boolean;
  longSize: number;
}

export function readInt(r: RecordView, at: number, size: number, signed: boolean): bigint {
  const b = r.buf;
  if (at < r.start || at + size > r.start + r.len) return 0n;
  switch (size) {
    case 1:
      return BigInt(signed ? b.readInt8(at) : b.readUInt8(at));
    case 2:
      return BigInt(r.little ? (signed ? b.readInt16LE(at) : b.readUInt16LE(at)) : signed ? b.readInt16BE(at) : b.readUInt16BE(at));
    case 4:
      return BigInt(r.little ? (signed ? b.readInt32LE(at) : b.readUInt32LE(at)) : signed ? b.readInt32BE(at) : b.readUInt32BE(at));
    case 8:
      return r.little ? (signed ? b.readBigInt64LE(at) : b.readBigUInt64LE(at)) : signed ? b.readBigInt64BE(at) : b.readBigUInt64BE(at);
    default:
      return 0n;
  }
}

/** Fast number read for the common header (u8/u16/s32) without BigInt. */
export function readSmall(r: RecordView, at: number, size: number, signed: boolean): number {
  const b = r.buf;
  if (at < r.start || at + size > r.start + r.len) return 0;
  if (size === 1) return signed ? b.readInt8(at) : b.readUInt8(at);
  if (size === 2) return r.little ? (signed ? b.readInt16LE(at) : b.readUInt16LE(at)) : signed ? b.readInt16BE(at) : b.readUInt16BE(at);
  if (size === 4) return r.little ? (signed ? b.readInt32LE(at) : b.readUInt32LE(at)) : signed ? b.readInt32BE(at) : b.readUInt32BE(at);
  return Number(readInt(r, at, size, signed));
}

export function fieldValue(r: RecordView, f: FieldFormat): Val {
  const base = r.start + f.offset;
  if (f.dataLoc || f.relLoc) {
    const loc = Number(readInt(r, base, Math.min(f.size, 4), false));
    let off = loc & 0xffff;
    const len = loc >>> 16;
    off = f.relLoc ? base + f.size + off : r.start + off;
    const end = Math.min(off + len, r.start + r.len);
    return { kind: 'bytes', start: off, len: Math.max(0, end - off), elem: f.elemSize || 1, signed: f.signed, str: f.isString };
  }
  if (f.array) {
    // a trailing `char buf[]` (size 0) runs to the end of the record
    const len = f.size === 0 ? r.start + r.len - base : Math.min(f.size, r.start + r.len - base);
    return { kind: 'bytes', start: base, len: Math.max(0, len), elem: f.elemSize || 1, signed: f.signed, str: f.isString };
  }
  return readInt(r, base, f.size, f.signed);
}

/** The bytes as a C string: up to the first NUL (or the end), decoded as UTF-8. */
export function bytesToString(r: RecordView, v: Bytes): string {
  const end = v.start + v.len;
  let nul = r.buf.indexOf(0, v.start);
  if (nul < 0 || nul > end) nul = end;
  return r.buf.toString('utf8', v.start, nul);
}

export function element(r: RecordView, v: Bytes, i: number): bigint {
  const at = v.start + i * v.elem;
  if (i < 0 || at + v.elem > v.start + v.len) return 0n;
  return readInt(r, at, v.elem, v.signed);
}
