/**
 * The events Accounting holds back for a `<stack trace>` that may follow them, oldest first: a ring of slots
 * that doubles when full (Accounting holds at most MAX_PENDING + 1, so it stops growing at 8192).
 *
 * Why: an array with a moving head, compacted every 1024 events, took a push that grows the array, a length
 * cut that lets V8 shrink it again and a copy per compaction; the ring reuses its slots. A slot is cleared
 * when its event leaves, so a delivered event is not kept reachable from here.
 */

export class HeldQueue<T> {
  private ring: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  private mask = 15;
  private head = 0;
  private tail = 0;

  get size(): number {
    return (this.tail - this.head) & this.mask;
  }

  /** The oldest held; undefined when none. */
  peek(): T | undefined {
    return this.ring[this.head];
  }

  /** The i-th oldest held (0 <= i < size). */
  at(i: number): T {
    return this.ring[(this.head + i) & this.mask]!;
  }

  push(x: T): void {
    this.ring[this.tail] = x;
    this.tail = (this.tail + 1) & this.mask;
    if (this.tail === this.head) this.grow();
  }

  /** Removes the oldest (the caller checked there is one). */
  shift(): void {
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
  }

  /** A full ring (tail caught up with head) into one twice as large, oldest first. */
  private grow(): void {
    const old = this.ring;
    const n = old.length;
    const ring = new Array<T | undefined>(2 * n).fill(undefined);
    for (let k = 0; k < n; k++) ring[k] = old[(this.head + k) & this.mask];
    this.ring = ring;
    this.mask = 2 * n - 1;
    this.head = 0;
    this.tail = n;
  }
}
