/**
 * Streams a file as lines of bytes. The file is read from a handle in fixed chunks into one reused Buffer;
 * lines split across chunks are carried over; a line longer than the cap is cut at the cap, reported once
 * (`overlong`) and the rest of it skipped, so memory stays bounded by chunk size + cap whatever the input.
 *
 * Lines end at `\n`; a `\r` before it (CRLF files written by Windows tools) is dropped. A last line without
 * `\n` (a trace copied while the tracer was still writing) is still delivered.
 */

import { read as readCb } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAscii, isUtf8 } from 'node:buffer';
import { forgetAscii, markAscii } from './asciiRegions';

export const DEFAULT_CHUNK = 1 << 20;
export const DEFAULT_MAX_LINE = 1 << 20;

/**
 * Receives one line: bytes `[start, end)` of `buf`, without the line terminator. The buffer is reused for
 * the next chunk, so copy out anything you keep. `overlong` is true when the line was cut at the cap.
 */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number, offset: number, overlong: boolean) => void;

export interface LineReadOptions {
  signal?: AbortSignal;
  /**
   * Read only bytes [start, end) of the file (both line starts: the parallel model build gives each thread
   * its part). Line numbers then count from the range's first line; offsets stay file offsets.
   */
  range?: { start: number; end: number };
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  chunkSize?: number;
  maxLineBytes?: number;
  /** Called with a buffer that held earlier lines just before it is filled again (ReadOptions.transient). */
  onRefill?: (buf: Buffer) => void;
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
  const fh = await open(path, 'r');
  // small files get small buffers (the extension and the tests open many small traces)
  const fileSize = (await fh.stat()).size;
  const rangeStart = Math.min(opts.range?.start ?? 0, fileSize);
  const rangeEnd = Math.min(opts.range?.end ?? fileSize, fileSize);
  const size = Math.max(0, rangeEnd - rangeStart);
  const chunkSize = Math.max(4096, Math.min(opts.chunkSize ?? DEFAULT_CHUNK, size + 1));
  const cap = Math.max(256, opts.maxLineBytes ?? DEFAULT_MAX_LINE);
  const carryArea = Math.min(cap, size + 1);
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
  // Two buffers, so the next chunk is read while this one is parsed. Each is [carry area | chunk]: the
  // unfinished line at the end of one chunk is copied just before the next chunk's data.
  const bufs = [Buffer.allocUnsafe(carryArea + chunkSize), Buffer.allocUnsafe(carryArea + chunkSize)];
  let cur = 0;
  let filePos = rangeStart; // file offset where the chunk being read starts
  const fd = fh.fd;
  const readLen = (pos: number): number => Math.max(0, Math.min(chunkSize, rangeEnd - pos));
  let pending = readChunk(fd, bufs[0], carryArea, readLen(filePos), filePos);
  try {
    const total = size;
    let carry = 0; // bytes of an unfinished line in front of the current chunk
    let skipping = false; // inside the tail of an overlong line already delivered
    let lineNo = 0;
    let chunkHasNul = false;
    let buf = bufs[0];
    let base = 0; // file offset of buf[0]
    const emit = (start: number, end: number, overlong: boolean): void => {
      lineNo++;
      let e = end;
      if (e > start && buf[e - 1] === 13) {
        e--;
        res.crlfLines++;
      }
      if (chunkHasNul && res.firstNulLine === 0 && buf.subarray(start, e).indexOf(0) !== -1) res.firstNulLine = lineNo;
      if (overlong) res.overlongLines++;
      onLine(buf, start, e, lineNo, base + start, overlong);
    };
    while (true) {
      const { bytesRead } = await pending;
      buf = bufs[cur];
      if (bytesRead === 0 || opts.signal?.aborted) {
        pending = Promise.resolve({ bytesRead: 0 });
        if (bytesRead !== 0) res.cancelled = true;
        if (!res.cancelled && carry > 0) {
          base = filePos - carryArea;
          res.truncatedLastLine = true;
          emit(carryArea - carry, carryArea, false);
        }
        res.bytes = filePos - rangeStart;
        break;
      }
      base = filePos - carryArea;
      const dataEnd = carryArea + bytesRead;
      filePos += bytesRead;
      const other = bufs[cur ^ 1];
      opts.onRefill?.(other);
      forgetAscii(other);
      pending = readChunk(fd, other, carryArea, readLen(filePos), filePos);
      const view = buf.subarray(0, dataEnd);
      let pos = carryArea - carry;
      // a region starts on a line start unless we are skipping an overlong line
      const region = view.subarray(pos);
      // ASCII (most traces) is valid UTF-8, and text in it decodes faster as ASCII (see asciiRegions.ts)
      if (isAscii(region)) markAscii(buf, pos, dataEnd);
      else if (!res.invalidUtf8 && !isUtf8(region)) res.invalidUtf8 = checkUtf8AcrossBoundary(region, 0);
      chunkHasNul = res.firstNulLine === 0 && region.indexOf(0) !== -1;
      if (skipping) {
        const nl = view.indexOf(10, pos);
        if (nl === -1) {
          carry = 0;
          res.bytes = filePos - rangeStart;
          opts.onProgress?.(res.bytes, total);
          cur ^= 1;
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
      const rem = dataEnd - pos;
      if (rem >= cap || rem > carryArea) {
        // no newline within the cap: deliver what fits, skip to the next newline (a file that grew while
        // being read can also outgrow a small carry area: same treatment, never an overflow)
        emit(pos, pos + Math.min(cap, rem), true);
        skipping = true;
        carry = 0;
      } else {
        if (rem > 0) buf.copy(other, carryArea - rem, pos, dataEnd);
        carry = rem;
      }
      res.bytes = filePos - rangeStart;
      opts.onProgress?.(res.bytes, total);
      cur ^= 1;
    }
    res.lines = lineNo;
    return res;
  } finally {
    forgetAscii(bufs[0]);
    forgetAscii(bufs[1]);
    await pending.catch(() => undefined);
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

/** One chunk through fs.read on the raw fd: a plain callback, cheaper per chunk than FileHandle.read. */
function readChunk(fd: number, buf: Buffer, at: number, len: number, pos: number): Promise<{ bytesRead: number }> {
  if (len === 0) return Promise.resolve({ bytesRead: 0 });
  return new Promise((resolve, reject) => {
    readCb(fd, buf, at, len, pos, (err, bytesRead) => (err ? reject(err) : resolve({ bytesRead })));
  });
}
