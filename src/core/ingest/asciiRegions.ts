/**
 * Regions of the line reader's buffers known to hold ASCII only, so that utf8Text (bytes.ts) decodes text in
 * them as ASCII: the same string, made ~30% faster (~150 vs ~210 ns for an 80-byte event body, the cost of a
 * non-transient read's body strings and of the field values the decoder reads from transient bodies).
 *
 * The reader marks a chunk's region after checking it (buffer.isAscii, one SIMD pass that also stands for
 * the UTF-8 check) and forgets a buffer before it refills it, so a marked region always holds the bytes that
 * were checked. A few slots, the oldest replaced: several readers interleaved on one thread just miss more.
 */

interface Region {
  buf: Uint8Array | undefined;
  start: number;
  end: number;
}

/** Two per reader (it reads into two buffers in turn); four leave room for a second reader. */
const regions: Region[] = Array.from({ length: 4 }, () => ({ buf: undefined, start: 0, end: 0 }));
let next = 0;

/** Bytes [start, end) of `buf` are ASCII until forgetAscii(buf). */
export function markAscii(buf: Uint8Array, start: number, end: number): void {
  let r = regions.find((x) => x.buf === buf);
  if (r === undefined) {
    r = regions[next];
    next = (next + 1) % regions.length;
  }
  r.buf = buf;
  r.start = start;
  r.end = end;
}

/** Before `buf` changes (or is dropped): nothing of it is known ASCII any more. */
export function forgetAscii(buf: Uint8Array): void {
  for (const r of regions) {
    if (r.buf === buf) {
      r.buf = undefined;
      r.start = r.end = 0;
    }
  }
}

/** Whether bytes [start, end) of `buf` lie in a region marked ASCII. */
export function inAsciiRegion(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (r.buf === buf) return start >= r.start && end <= r.end;
  }
  return false;
}
