/**
 * Where a large ftrace text file can be cut so that its two parts, read by two threads, give exactly what
 * one pass gives. Only a kernel stack can tie a line to an earlier one: `<stack trace>` belongs to the last
 * event of its CPU, which may be printed before other CPUs' lines. So a cut is safe at an event line after
 * which every CPU's first line is an event, not a stack, for longer than the readers hold an event waiting
 * for its stack (Accounting's MAX_PENDING events); a CPU silent for that long would have had its held event
 * delivered without a stack in one pass too.
 */

import { open } from 'node:fs/promises';
import { MAX_PENDING } from './accounting';
import { LineContext, parseBracketContext } from './context';

/** How far past the middle to look for a safe cut. */
const WINDOW = 16 << 20;
/** Events after the cut whose CPUs must not start with a stack. */
const CLEAR_EVENTS = MAX_PENDING + 64;

const STACK = Buffer.from('<stack trace>');
const USER_STACK = Buffer.from('<user stack trace>');

/** A line start near `near` where the file can be cut, or undefined when none is found nearby. */
export async function findSplit(path: string, near: number): Promise<number | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(WINDOW);
    const { bytesRead } = await fh.read(buf, 0, WINDOW, near);
    const size = (await fh.stat()).size;
    return safeCut(buf.subarray(0, bytesRead), near, near + bytesRead >= size);
  } finally {
    await fh.close();
  }
}

/**
 * The first safe cut in `view` (which starts at file offset `base`), as a file offset. `atEof`: the view
 * runs to the end of the file, so a cut that no stack contradicts before the end is safe however few events
 * follow it.
 */
export function safeCut(view: Buffer, base: number, atEof: boolean): number | undefined {
  const ctx = new LineContext();
  // start at the first full line of the window
  let pos = base === 0 ? 0 : view.indexOf(10) + 1;
  if (pos <= 0 && base !== 0) return undefined;
  let candidate = -1;
  let seen = new Set<number>();
  let events = 0;
  while (pos < view.length) {
    let nl = view.indexOf(10, pos);
    if (nl === -1) {
      if (!atEof) return undefined; // the window ended before the cut was proven safe
      nl = view.length; // the last line has no newline
    }
    const end = nl > pos && view[nl - 1] === 13 ? nl - 1 : nl;
    if (parseBracketContext(view, pos, end, ctx)) {
      const stack = startsWith(view, ctx.rest, end, STACK) || startsWith(view, ctx.rest, end, USER_STACK);
      if (candidate === -1) {
        if (!stack) {
          candidate = pos;
          seen = new Set([ctx.cpu]);
          events = 1;
        }
      } else if (!seen.has(ctx.cpu)) {
        if (stack) {
          // this CPU's stack may belong to an event before the candidate: try the next event line
          candidate = -1;
        } else {
          seen.add(ctx.cpu);
          events++;
        }
      } else if (!stack) {
        events++;
      }
      if (candidate !== -1 && events >= CLEAR_EVENTS) return base + candidate;
    }
    pos = nl + 1;
  }
  return atEof && candidate !== -1 ? base + candidate : undefined;
}

function startsWith(buf: Buffer, at: number, end: number, what: Buffer): boolean {
  if (end - at < what.length) return false;
  for (let i = 0; i < what.length; i++) if (buf[at + i] !== what[i]) return false;
  return true;
}
