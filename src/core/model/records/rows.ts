/**
 * Row storage for the replay's records (migrations, invalidations, driver callbacks): each record kind keeps its
 * fields in typed arrays, one per element type, `stride` slots a row, in blocks of BLOCK rows (row r's Float64
 * field k is f64[r >> SHIFT][(r & MASK) * F + k]). Timestamps, addresses and values the trace printed (returns,
 * counts, flags) are Float64, NaN when not captured; event ids, pids and small ids (strings, address spaces,
 * lists) are Int32, -1 when absent; enums and booleans are Uint8.
 *
 * Why: as JS objects the records of the 256 MiB bench (36.5k migrations, 51.7k invalidations, 42.5k callbacks)
 * took ~32 MB of heap, a third of it boxed numbers (timestamps and addresses in object fields); as rows they take
 * ~10 MB of array buffers, and each record is a two-field handle (records/migrations.ts, invalidations.ts).
 * Blocks of 1024 rows, not one array grown by doubling: at 1 GiB (146k migrations, 207k invalidations) the
 * doubling left ~50 MB of spare room and dead copies at the end of the replay, where the build's RSS peaks; a
 * block is never copied and only the last one has room to spare (≤ 240 KB for the three kinds).
 */

const SHIFT = 10;
const MASK = (1 << SHIFT) - 1;
export const BLOCK = 1 << SHIFT;

export class Rows {
  readonly f64: Float64Array[] = [];
  readonly i32: Int32Array[] = [];
  readonly u8: Uint8Array[] = [];
  /** Rows in use. */
  count = 0;

  constructor(
    private readonly F: number,
    private readonly I: number,
    private readonly U: number,
  ) {}

  /** A new row (its fields are the caller's to set). */
  protected addRow(): number {
    if ((this.count & MASK) === 0) {
      this.f64.push(new Float64Array(BLOCK * this.F));
      this.i32.push(new Int32Array(BLOCK * this.I));
      this.u8.push(new Uint8Array(BLOCK * this.U));
    }
    return this.count++;
  }

  /** Float64 field k of row r. */
  f(r: number, k: number): number {
    return this.f64[r >> SHIFT][(r & MASK) * this.F + k];
  }
  setF(r: number, k: number, v: number): void {
    this.f64[r >> SHIFT][(r & MASK) * this.F + k] = v;
  }
  /** Int32 field k of row r. */
  n(r: number, k: number): number {
    return this.i32[r >> SHIFT][(r & MASK) * this.I + k];
  }
  setN(r: number, k: number, v: number): void {
    this.i32[r >> SHIFT][(r & MASK) * this.I + k] = v;
  }
  /** Uint8 field k of row r. */
  u(r: number, k: number): number {
    return this.u8[r >> SHIFT][(r & MASK) * this.U + k];
  }
  setU(r: number, k: number, v: number): void {
    this.u8[r >> SHIFT][(r & MASK) * this.U + k] = v;
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
