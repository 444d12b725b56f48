/**
 * Streams a file as lines of bytes. The file is read from a handle in fixed chunks into one reused Buffer;
 * lines split across chunks are carried over; a line longer than the cap is cut at the cap, reported once
 * (`overlong`) and the rest of it skipped, so memory stays bounded by chunk size + cap whatever the input.
 *
 * Lines end at `\n`; a `\r` before it (CRLF files written by Windows tools) is dropped. A last line without
 * `\n` (a trace copied while the tracer was still writing) is still delivered.
 */

import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';

export const DEFAULT_CHUNK = 1 << 20;
export const DEFAULT_MAX_LINE = 1 << 20;

/**
 * Receives one line: bytes `[start, end)` of `buf`, without the line terminator. The buffer is reused for
 * the next chunk, so copy out anything you keep. `overlong` is true when the line was cut at the cap.
 */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number, offset: number, overlong: boolean) => void;

export interface LineReadOptions {
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  chunkSize?: number;
  maxLineBytes?: number;
}

export interface LineReadResult {
  bytes: number;
  lines: number;
  overlongLines: number;
  crlfLines: number;
  /** Line number of the first line holding a NUL byte (0 when none). */
  firstNulLine: number;
  /** true when some chunk was not valid UTF-8. */
  invalidUtf8: boolean;
  /** true when the last line had no terminating newline. */
  truncatedLastLine: boolean;
  cancelled: boolean;
}

export async function forEachLine(path: string, onLine: LineHandler, opts: LineReadOptions = {}): Promise<LineReadResult> {
  const chunkSize = Math.max(4096, opts.chunkSize ?? DEFAULT_CHUNK);
  const cap = Math.max(256, opts.maxLineBytes ?? DEFAULT_MAX_LINE);
  const fh = await open(path, 'r');
  const res: LineReadResult = {
    bytes: 0,
    lines: 0,
    overlongLines: 0,
    crlfLines: 0,
    firstNulLine: 0,
    invalidUtf8: false,
    truncatedLastLine: false,
    cancelled: false,
  };
  try {
    const total = (await fh.stat()).size;
    // carry (at most cap bytes of an unfinished line) + one chunk
    const buf = Buffer.allocUnsafe(chunkSize + cap + 1);
    let len = 0; // valid bytes at the start of buf (the carried partial line)
    let fileOff = 0; // file offset of buf[0]
    let skipping = false; // inside the tail of an overlong line already delivered
    let lineNo = 0;
    let chunkHasNul = false;
    const emit = (start: number, end: number, overlong: boolean): void => {
      lineNo++;
      let e = end;
      if (e > start && buf[e - 1] === 13) {
        e--;
        res.crlfLines++;
      }
      if (chunkHasNul && res.firstNulLine === 0 && buf.subarray(start, e).indexOf(0) !== -1) res.firstNulLine = lineNo;
      if (overlong) res.overlongLines++;
      onLine(buf, start, e, lineNo, fileOff + start, overlong);
    };
    while (true) {
      if (opts.signal?.aborted) {
        res.cancelled = true;
        break;
      }
      const { bytesRead } = await fh.read(buf, len, Math.min(chunkSize, buf.length - len), null);
      if (bytesRead === 0) break;
      const end = len + bytesRead;
      const view = buf.subarray(0, end);
      // a chunk starts on a line start (carry) unless we are skipping an overlong line, so check from 0
      if (!res.invalidUtf8 && !isUtf8(view)) res.invalidUtf8 = checkUtf8AcrossBoundary(view, 0);
      chunkHasNul = res.firstNulLine === 0 && view.indexOf(0) !== -1;
      let pos = 0;
      if (skipping) {
        const nl = view.indexOf(10, 0);
        if (nl === -1) {
          fileOff += end;
          len = 0;
          res.bytes = fileOff;
          opts.onProgress?.(res.bytes, total);
          continue;
        }
        pos = nl + 1;
        skipping = false;
      }
      let nl: number;
      while ((nl = view.indexOf(10, pos)) !== -1) {
        emit(pos, nl, false);
        pos = nl + 1;
      }
      const rem = end - pos;
      if (rem >= cap) {
        // no newline within the cap: deliver what fits, skip to the next newline
        emit(pos, pos + cap, true);
        skipping = true;
        fileOff += end;
        len = 0;
      } else {
        if (rem > 0 && pos > 0) buf.copyWithin(0, pos, end);
        fileOff += pos;
        len = rem;
      }
      res.bytes = fileOff + len;
      opts.onProgress?.(res.bytes, total);
    }
    if (!res.cancelled && len > 0) {
      res.truncatedLastLine = true;
      emit(0, len, false);
    }
    res.lines = lineNo;
    return res;
  } finally {
    await fh.close();
  }
}

/**
 * A chunk boundary can cut a multi-byte UTF-8 sequence in two; only call the input invalid when the chunk
 * is still invalid after dropping up to 3 trailing bytes of an unfinished sequence.
 */
function checkUtf8AcrossBoundary(view: Buffer, from: number): boolean {
  for (let cut = 1; cut <= 3 && view.length - cut > from; cut++) {
    if (isUtf8(view.subarray(from, view.length - cut))) return false;
  }
  return true;
}
