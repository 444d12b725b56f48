/**
 * The lines each event spans (its own line plus continuation lines: stack traces, wrapped fields), read from
 * the line column: an event mostly ends where the next one starts (99.8% of the bench trace's events), so
 * only the others are kept, as exceptions in a per-chunk Map; the last event's count is kept by itself. A
 * chunk with more than MAX_EXCEPTIONS (comments or unparsed lines between most events) keeps every count in
 * a Uint16Array (counts are capped at 65535 by the store). About 0.01 bytes per event instead of 1 (6 MB at
 * 1 GiB).
 *
 * An event's count is decided when the next event's line arrives: the store pushes an event's line before
 * its count (EventStore.append), and a joined part's lines before its counts (EventStore.importPart).
 */

import type { BlockColumn } from './blockColumn';
import type { Column } from './columns';

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
/** As in blockColumn.ts: ~48 bytes a Map entry, so 1024 of them stay well under a 128 kB Uint16Array chunk. */
const MAX_EXCEPTIONS = 1024;
const EXCEPTION_BYTES = 48;

export class LineCountColumn implements Column {
  private readonly exceptions: (Map<number, number> | undefined)[] = [];
  private readonly explicit: (Uint16Array | undefined)[] = [];
  /** The count of the last event, whose end no next line tells yet. */
  private last = 0;
  /** The line of the last event when pushWithLine() gave it (NaN: read it from the line column). */
  private lastLine = NaN;
  private length = 0;

  constructor(private readonly line: BlockColumn) {}

  push(v: number): void {
    if (this.length > 0) this.settle(this.length - 1, this.last);
    this.grow(this.length + 1);
    this.last = v;
    this.lastLine = NaN;
    this.length++;
  }

  /**
   * push() of the count of an event whose line, `line`, the line column has just taken (EventStore.append):
   * the last event's count is decided by the distance of the two lines without reading them back (two
   * block-column reads per event before).
   */
  pushWithLine(v: number, line: number): void {
    const i = this.length - 1;
    // the count the lines tell, in a chunk that keeps none by value: nothing to keep (settle would agree)
    if (i >= 0 && !(line - this.lastLine === this.last && this.explicit[i >>> SHIFT] === undefined)) this.settle(i, this.last);
    this.grow(this.length + 1);
    this.last = v;
    this.lastLine = line;
    this.length++;
  }

  get(i: number): number {
    if (i === this.length - 1) return this.last;
    const c = i >>> SHIFT;
    const u = this.explicit[c];
    if (u !== undefined) return u[i & MASK];
    const x = this.exceptions[c]?.get(i & MASK);
    return x !== undefined ? x : this.line.get(i + 1) - this.line.get(i);
  }

  set(i: number, v: number): void {
    if (i === this.length - 1) this.last = v;
    else this.settle(i, v);
  }

  /** Keeps `v` as event i's count (the event has a next one): nothing when the next line tells it. */
  private settle(i: number, v: number): void {
    const c = i >>> SHIFT;
    const k = i & MASK;
    const u = this.explicit[c];
    if (u !== undefined) {
      u[k] = v;
      return;
    }
    let x = this.exceptions[c];
    if (this.line.get(i + 1) - this.line.get(i) === v) {
      x?.delete(k);
      return;
    }
    if (x === undefined) this.exceptions[c] = x = new Map();
    if (x.size < MAX_EXCEPTIONS || x.has(k)) {
      x.set(k, v);
      return;
    }
    // too many: every count of the chunk as it is now, then this one
    const all = new Uint16Array(CHUNK);
    const start = c << SHIFT;
    for (let j = 0; j < CHUNK && start + j < this.length - 1; j++) all[j] = this.get(start + j);
    all[k] = v;
    this.explicit[c] = all;
    this.exceptions[c] = undefined;
  }

  private grow(n: number): void {
    while (this.explicit.length << SHIFT < n) {
      this.explicit.push(undefined);
      this.exceptions.push(undefined);
    }
  }

  /**
   * Appends the counts of `src` (a part built on another thread, consumed), whose lines this column's line
   * column has already taken: the lines of the part's events keep their distances there, so only the part's
   * kept counts move, and the count of this column's last event is decided by the part's first line.
   */
  pushFrom(src: Column): void {
    const s = src as LineCountColumn;
    const n = s.length;
    if (n === 0) return;
    const first = this.length;
    if (first > 0) this.settle(first - 1, this.last);
    this.grow(first + n);
    this.length = first + n;
    for (let c = 0; c < s.explicit.length; c++) {
      const start = c << SHIFT;
      const u = s.explicit[c];
      if (u !== undefined) for (let k = 0; k < CHUNK && start + k < n - 1; k++) this.settle(first + start + k, u[k]);
      for (const [k, v] of s.exceptions[c] ?? []) this.settle(first + start + k, v);
    }
    this.last = s.last;
    this.lastLine = NaN;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    let b = 0;
    for (let c = 0; c < this.explicit.length; c++) b += this.explicit[c] !== undefined ? CHUNK * 2 : (this.exceptions[c]?.size ?? 0) * EXCEPTION_BYTES;
    return b;
  }
}
