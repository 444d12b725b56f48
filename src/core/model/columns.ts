/**
 * Growable typed-array columns stored in fixed-size chunks, so a 1 GiB trace never needs one huge
 * contiguous allocation nor a copy on growth (peak memory stays close to what the events need). Each kind
 * of value has the column that holds it in the fewest bytes, exactly (idColumn.ts, packedColumn.ts,
 * blockColumn.ts, addressColumn.ts); the plain Int32Array one is here. Each kind is its own class with its
 * own typed-array accesses: one generic class would see several array types at the same load and go
 * megamorphic on the hottest path of the model build.
 */

import { AddressColumn, RangeEndColumn } from './addressColumn';
import { BlockColumn } from './blockColumn';
import { IdColumn } from './idColumn';
import { PackedColumn } from './packedColumn';

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

export interface Column {
  push(v: number): void;
  get(i: number): number;
  set(i: number, v: number): void;
  readonly size: number;
  bytes(): number;
}

class I32Column implements Column {
  private readonly chunks: Int32Array[] = [];
  private length = 0;

  constructor(private readonly fill: number) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new Int32Array(CHUNK);
      if (this.fill !== 0) a.fill(this.fill);
      this.chunks.push(a);
    }
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Int32Array.BYTES_PER_ELEMENT;
  }
}

/** File offsets (non-negative integers, mostly increasing): 2 bytes per event instead of 8, exact. */
export const offsets = (): BlockColumn => new BlockColumn(7);
/** Line numbers: 2 bytes per event instead of 4, exact. */
export const lines = (): BlockColumn => new BlockColumn(12);
/** Integer ns timestamps in file order: 4 bytes per event while they stay close, exact always. */
export const times = (): PackedColumn => new PackedColumn(4);
/** Ids into a small table (event types, tasks): 1 byte per event while the table has under 256 rows. */
export const ids = (): IdColumn => new IdColumn();
/** Ids that grow along the file where most events have none (-1): spans, span parents, extras. */
export const sparseIds = (): PackedColumn => new PackedColumn(2, -1);
/** Integers around zero (return values: errnos, small counts) with one code for none: 2 bytes per event. */
export const nearZero = (none: number): PackedColumn => new PackedColumn(2, none);
/** Small non-negative counts (a CPU number, the lines an event spans): 1 byte per event while under 256. */
export const small = (): IdColumn => new IdColumn();
/** Event ids of call spans (entry, exit: -1 while open). */
export const i32 = (fill = 0): Column => new I32Column(fill);
/** Page addresses and range starts (NaN when none): 5 bytes per event instead of 8. */
export const addresses = (): AddressColumn => new AddressColumn();
/** Range ends as a length from their start named by a 1-byte code (NaN when none). */
export const rangeEnds = (start: Column): RangeEndColumn => new RangeEndColumn(start);

/**
 * A column that crossed a thread boundary arrives as a plain object with the same fields (its typed arrays
 * transferred): this gives it back the class of `like`, a column of the same kind, without copying.
 */
export function reviveColumn<T extends Column>(sent: Column, like: T): T {
  if (Object.getPrototypeOf(sent) !== Object.getPrototypeOf(like)) Object.setPrototypeOf(sent, Object.getPrototypeOf(like));
  return sent as T;
}

export { StringTable } from './strings';
