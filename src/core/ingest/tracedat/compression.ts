/**
 * Decompression for trace.dat v7. trace-cmd 3.x compresses metadata sections as one block and trace data in
 * chunks (trace-cmd.dat.v7.5 "COMPRESSION FORMAT"), with the algorithm named in the file header:
 *  - `zlib`: trace-cmd calls zlib's compress2()/uncompress(), i.e. the zlib (RFC 1950) wrapper -> node:zlib.
 *  - `zstd`: ZSTD_compress()/ZSTD_decompress() frames. Node 20 has no zstd, so we use `fzstd` (pure JS, MIT,
 *    by the author of fflate; decoder-only, no native code, works in the extension host and the worker).
 *  - `none`: stored as is.
 */

import { inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';

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
export function decompressBlock(codec: Codec, data: Uint8Array, expectedSize: number): Buffer {
  let out: Uint8Array;
  if (codec === 'none') {
    out = data;
  } else if (codec === 'zlib') {
    out = inflateSync(data, { maxOutputLength: Math.max(expectedSize, 1) });
  } else {
    out = zstdDecompress(data, new Uint8Array(expectedSize));
  }
  if (out.length !== expectedSize) {
    throw new Error(`decompressed ${out.length} bytes, the file says ${expectedSize}`);
  }
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}
