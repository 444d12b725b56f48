/**
 * The event name at the start of an event's text, found from its first 16 bytes instead of a scan to its
 * `: `: names repeat, and so do the bytes that follow them (`mn_start: (__mmu_`), so a table keyed by those
 * 16 bytes holds the interned name last seen there. A guess is taken only when the kept name's bytes are at
 * the text's start and are followed by `:` and a space (or the end): the scan would have stopped exactly
 * there, since it stops at the first `:` followed by a space, or at a space or `(`, and the kept name came
 * from a scan that did not stop within the same bytes. nameGuess.test.ts checks it against the scan.
 *
 * Why: the byte scan costs ~1.5 ns a byte (mn_start_ret: 13 bytes) and the interner lookup after it ~8 ns;
 * four words, a hash and one compare of the name cost about half of that.
 */

import { wordAt } from './byteRun';
import { COLON, SP, type InternEntry } from './bytes';

/** 256 sets of two (a name and its `_ret` twin often share their first 16 bytes). */
const SETS = 256;

export class NameGuess<T> {
  private readonly slots: (InternEntry<T> | undefined)[] = new Array<InternEntry<T> | undefined>(2 * SETS).fill(undefined);

  /** The kept name that the text [s, e) starts with, followed by `: ` or `:` at its end; else undefined. */
  find(buf: Buffer, s: number, e: number): InternEntry<T> | undefined {
    if (s + 16 > e) return undefined;
    const slot = slotOf(buf, s);
    const slots = this.slots;
    for (let k = slot; k < slot + 2; k++) {
      const c = slots[k];
      if (c === undefined) continue;
      const t = s + c.run.length;
      if (t < e && buf[t] === COLON && (t + 1 === e || buf[t + 1] === SP) && c.run.matches(buf, s)) return c;
    }
    return undefined;
  }

  /** Keeps `entry`, the name a scan found at the start of the text [s, e), for the texts starting as this one. */
  remember(buf: Buffer, s: number, e: number, entry: InternEntry<T>): void {
    if (s + 16 > e || entry.run.length === 0) return;
    const slot = slotOf(buf, s);
    const slots = this.slots;
    if (slots[slot] === entry) return;
    slots[slot + 1] = slots[slot];
    slots[slot] = entry;
  }
}

/** The first slot of the set of the 16 bytes at s. */
function slotOf(buf: Buffer, s: number): number {
  const h =
    Math.imul(wordAt(buf, s), 0x9e3779b1) ^
    Math.imul(wordAt(buf, s + 4), 0x85ebca77) ^
    Math.imul(wordAt(buf, s + 8), 0xc2b2ae3d) ^
    Math.imul(wordAt(buf, s + 12), 0x27d4eb2f);
  return ((h ^ (h >>> 15)) & (SETS - 1)) << 1;
}
