/**
 * Append-only logs of numbers for the build passes (placement, the replay, the interval index), and the
 * packing of a log kept per page into one list grouped by page (CSR: page p's entries are
 * start[p] .. start[p+1]-1).
 *
 * Why: at 256 MiB the placement and the replay record 217k page events and 308k state changes on 93k pages.
 * Kept as four growing JS arrays per page (plus boxed timestamps and vpns) they took 37 MB of heap; as a few
 * typed arrays for the whole table they take under 4 MB, outside the JS heap.
 */

/** A growing Int32Array (one class per element type: a shared generic class would make the pushes polymorphic). */
export class Int32Log {
  data: Int32Array;
  length = 0;

  constructor(capacity = 256) {
    this.data = new Int32Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }

  private grow(): void {
    const next = new Int32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** A growing Float64Array (addresses and vpns above 2^31). */
export class Float64Log {
  data: Float64Array;
  length = 0;

  constructor(capacity = 256) {
    this.data = new Float64Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }

  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/**
 * The offsets of a log grouped by page: entry i belongs to page renumber[pages[i]] (0 ≤ that < count), and
 * page p's entries will be start[p] .. start[p+1]-1 (count + 1 offsets).
 */
export function pageStarts(pages: Int32Log, renumber: Int32Array, count: number): Int32Array {
  const n = pages.length;
  const key = pages.data;
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) start[renumber[key[i]] + 1]++;
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  return start;
}

/**
 * A stable counting sort of `values` (a log kept beside `pages`) by page into `out`, in place of an order array
 * and a gather: at 1 GiB that transient was 4 bytes per logged entry, on top of the logs, at the build's peak.
 */
export function scatterByPage<T extends Int32Array | Uint8Array>(pages: Int32Log, renumber: Int32Array, start: Int32Array, values: Int32Log, out: T): T {
  const n = pages.length;
  const key = pages.data;
  const src = values.data;
  const fill = start.slice(0, start.length - 1);
  for (let i = 0; i < n; i++) out[fill[renumber[key[i]]]++] = src[i];
  return out;
}
