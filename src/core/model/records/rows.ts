/**
 * Row storage for the replay's records (migrations, invalidations, driver callbacks): each record kind keeps its
 * fields in three typed arrays, one per element type, `stride` slots a row (row r's field k of the Float64 part
 * is f64[r * F + k]). Timestamps, addresses and values the trace printed (returns, counts, flags) are Float64,
 * NaN when not captured; event ids, pids and small ids (strings, address spaces, lists) are Int32, -1 when
 * absent; enums and booleans are Uint8.
 *
 * Why: as JS objects the records of the 256 MiB bench (36.5k migrations, 51.7k invalidations, 42.5k callbacks)
 * took ~32 MB of heap, a third of it boxed numbers (timestamps and addresses in object fields); as rows they take
 * ~10 MB of array buffers, and each record is a two-field handle (records/migrations.ts, invalidations.ts).
 */

export class Rows {
  f64: Float64Array;
  i32: Int32Array;
  u8: Uint8Array;
  /** Rows in use. */
  count = 0;
  private capacity: number;

  constructor(
    private readonly F: number,
    private readonly I: number,
    private readonly U: number,
    capacity = 64,
  ) {
    this.capacity = capacity;
    this.f64 = new Float64Array(capacity * F);
    this.i32 = new Int32Array(capacity * I);
    this.u8 = new Uint8Array(capacity * U);
  }

  /** A new row (its fields are the caller's to set). */
  protected addRow(): number {
    if (this.count === this.capacity) this.resize(this.capacity * 2);
    return this.count++;
  }

  /** Drops the spare room of the doubling growth once no row is added any more (up to half of each array). */
  trim(): void {
    if (this.count < this.capacity) this.resize(this.count);
  }

  private resize(capacity: number): void {
    const f64 = new Float64Array(capacity * this.F);
    f64.set(this.f64.subarray(0, this.count * this.F));
    const i32 = new Int32Array(capacity * this.I);
    i32.set(this.i32.subarray(0, this.count * this.I));
    const u8 = new Uint8Array(capacity * this.U);
    u8.set(this.u8.subarray(0, this.count * this.U));
    this.f64 = f64;
    this.i32 = i32;
    this.u8 = u8;
    this.capacity = capacity;
  }
}

/** A number the trace printed, or undefined (stored as NaN). */
export function optional(v: number): number | undefined {
  return v === v ? v : undefined;
}

/**
 * Rows grouped by a key (CSR): the rows of key k are order[start[k]] .. order[start[k + 1] - 1], in row order.
 * `keyOf(row)` is -1 for rows of no key.
 */
export function groupRows(rows: number, keys: number, keyOf: (row: number) => number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(keys + 1);
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const k = keyOf(i);
    if (k < 0) continue;
    start[k + 1]++;
    n++;
  }
  for (let k = 0; k < keys; k++) start[k + 1] += start[k];
  const fill = start.slice(0, keys);
  const order = new Int32Array(n);
  for (let i = 0; i < rows; i++) {
    const k = keyOf(i);
    if (k >= 0) order[fill[k]++] = i;
  }
  return { start, order };
}

/**
 * Small ids for the values records repeat (commands, pgmap owners, fault pages, callback functions, address
 * spaces): each distinct value is kept once, the rows hold its id. One per replay, shared by its tables.
 */
export class ValueIds<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<T, number>();

  /** The value's id, -1 for undefined. */
  id(v: T | undefined): number {
    if (v === undefined) return -1;
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.ids.set(v, i);
    }
    return i;
  }

  get(i: number): T | undefined {
    return i < 0 ? undefined : this.values[i];
  }
}
