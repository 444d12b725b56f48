/**
 * Decompression for trace.dat v7. trace-cmd 3.x compresses metadata sections as one block and trace data in
 * chunks (trace-cmd.dat.v7.5 "COMPRESSION FORMAT"), with the algorithm named in the file header:
 *  - `zlib`: trace-cmd calls zlib's compress2()/uncompress(), i.e. the zlib (RFC 1950) wrapper -> node:zlib.
 *  - `zstd`: ZSTD_compress()/ZSTD_decompress() frames. Node 20 (and the VS Code builds on it) has no zstd, so
 *    we use `fzstd` (pure JS, MIT, by the author of fflate; decoder-only, no native code or WASM, works in the
 *    extension host and the worker); node:zlib's native zstd is used instead where it exists (Node >= 22.15).
 *  - `none`: stored as is.
 */

import * as zlib from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';

/** Node >= 22.15 ships zstd in node:zlib; it is several times faster than the pure-JS decoder. */
const nativeZstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array, o?: { maxOutputLength?: number }) => Buffer })
  .zstdDecompressSync;

export type Codec = 'none' | 'zlib' | 'zstd';

export function codecFor(name: string): Codec | undefined {
  if (name === 'none' || name === '') return 'none';
  if (name === 'zlib') return 'zlib';
  if (name === 'zstd') return 'zstd';
  return undefined;
}

/**
 * Decompresses one block whose uncompressed size the file states. Throws a plain Error with a short reason on
 * a corrupt block or a size mismatch; callers wrap it with the file and offset.
 */
/** Largest block we agree to inflate: far above trace-cmd's chunks, far below what would exhaust memory. */
export const MAX_BLOCK = 256 << 20;

export function decompressBlock(codec: Codec, data: Uint8Array, expectedSize: number): Buffer {
  if (expectedSize > MAX_BLOCK) throw new Error(`block claims ${expectedSize} bytes uncompressed (limit ${MAX_BLOCK})`);
  let out: Uint8Array;
  if (codec === 'none') {
    out = data;
  } else if (codec === 'zlib') {
    out = zlib.inflateSync(data, { maxOutputLength: Math.max(expectedSize, 1) });
  } else if (nativeZstd) {
    out = nativeZstd(data, { maxOutputLength: Math.max(expectedSize, 1) });
  } else {
    out = zstdDecompress(data, new Uint8Array(expectedSize));
  }
  if (out.length !== expectedSize) {
    throw new Error(`decompressed ${out.length} bytes, the file says ${expectedSize}`);
  }
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}
