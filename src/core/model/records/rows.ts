/**
 * Row storage for the replay's records (migrations, invalidations, driver callbacks): each record kind keeps its
 * fields in typed arrays, one per element type, `stride` slots a row, in blocks of BLOCK rows (row r's Int32
 * field k is i32[r >> SHIFT][(r & MASK) * I + k]). Event ids, counts and small ids (fault pages, address
 * spaces, lists) are Int32, -1 when absent; numbers the trace printed that no stored event gives back (returns,
 * counts, flags) are optional Int32 fields (setOpt: the rare value an Int32 cannot hold exactly is kept in a
 * map beside the rows); enums and booleans are Uint8; Float64 only where a record computes an address.
 *
 * Why: as JS objects the records of the 256 MiB bench (36.5k migrations, 51.7k invalidations, 42.5k callbacks)
 * took ~32 MB of heap, a third of it boxed numbers (timestamps and addresses in object fields); as rows with
 * Float64 timestamps and addresses they took ~10 MB of array buffers; reading those from the event store by the
 * event id the row holds (records/events.ts) and printed numbers as Int32 leaves ~4.1 MB (58 bytes a
 * migration, 27 an invalidation, 14 a callback, against 134, 79 and 22).
 * Blocks of 1024 rows, not one array grown by doubling: at 1 GiB (146k migrations, 207k invalidations) the
 * doubling left ~50 MB of spare room and dead copies at the end of the replay, where the build's RSS peaks; a
 * block is never copied and only the last one has room to spare.
 */

const SHIFT = 10;
const MASK = (1 << SHIFT) - 1;
export const BLOCK = 1 << SHIFT;
/** Optional Int32 fields: not captured, and a value kept in the wide map. */
const ABSENT = -0x80000000;
const WIDE = -0x7fffffff;

export class Rows {
  readonly f64: Float64Array[] = [];
  readonly i32: Int32Array[] = [];
  readonly u8: Uint8Array[] = [];
  /** Rows in use. */
  count = 0;
  /** Values of optional Int32 fields an Int32 cannot hold (pointers, huge or fractional numbers, -0), by row × I + field. */
  private wide?: Map<number, number>;

  constructor(
    private readonly F: number,
    private readonly I: number,
    private readonly U: number,
  ) {}

  /** A new row (its fields are the caller's to set). */
  protected addRow(): number {
    if ((this.count & MASK) === 0) {
      if (this.F > 0) this.f64.push(new Float64Array(BLOCK * this.F));
      if (this.I > 0) this.i32.push(new Int32Array(BLOCK * this.I));
      if (this.U > 0) this.u8.push(new Uint8Array(BLOCK * this.U));
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
  /** Optional Int32 field k of row r: a number the trace printed, or undefined. */
  opt(r: number, k: number): number | undefined {
    const v = this.n(r, k);
    return v === ABSENT ? undefined : v === WIDE ? this.wide!.get(r * this.I + k) : v;
  }
  /** NaN reads back as undefined, like a Float64 field holding NaN for "not captured". */
  setOpt(r: number, k: number, v: number | undefined): void {
    const key = r * this.I + k;
    if (this.n(r, k) === WIDE) this.wide!.delete(key);
    if (v === undefined || v !== v) this.setN(r, k, ABSENT);
    else if ((v | 0) === v && v > WIDE && (v !== 0 || 1 / v > 0)) this.setN(r, k, v);
    else {
      (this.wide ??= new Map()).set(key, v);
      this.setN(r, k, WIDE);
    }
  }
  /** Uint8 field k of row r. */
  u(r: number, k: number): number {
    return this.u8[r >> SHIFT][(r & MASK) * this.U + k];
  }
  setU(r: number, k: number, v: number): void {
    this.u8[r >> SHIFT][(r & MASK) * this.U + k] = v;
  }
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
 * Small ids for the values records repeat (fault pages, address spaces): each distinct value is kept once, the rows hold its id. One per replay, shared by its tables.
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
