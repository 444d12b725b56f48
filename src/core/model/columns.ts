/**
 * Growable typed-array columns stored in fixed-size chunks, so a 1 GiB trace never needs one huge
 * contiguous allocation nor a copy on growth (peak memory stays close to what the events need). Each kind
 * of value has the column that holds it in the fewest bytes, exactly (idColumn.ts, packedColumn.ts,
 * blockColumn.ts, addressColumn.ts, lineCountColumn.ts, sparseColumn.ts). Each kind is its own class with its
 * own typed-array accesses: one generic class would see several array types at the same load and go
 * megamorphic on the hottest path of the model build.
 */

import { AddressColumn, RangeEndColumn } from './addressColumn';
import { BlockColumn } from './blockColumn';
import { IdColumn } from './idColumn';
import { LineCountColumn } from './lineCountColumn';
import { PackedColumn } from './packedColumn';
import { SparseColumn } from './sparseColumn';

export interface Column {
  push(v: number): void;
  get(i: number): number;
  set(i: number, v: number): void;
  readonly size: number;
  bytes(): number;
}

/** File offsets (non-negative integers, mostly increasing): 2 bytes per event instead of 8, exact. */
export const offsets = (): BlockColumn => new BlockColumn(7);
/** Line numbers: 2 bytes per event instead of 4, exact. */
export const lines = (): BlockColumn => new BlockColumn(12);
/** The lines each event spans, read from where the next event's line starts: ~0 bytes per event instead of 1. */
export const lineCounts = (line: BlockColumn): LineCountColumn => new LineCountColumn(line);
/**
 * Integer ns timestamps in file order: 2 bytes per event while a 256-event block spans under 65 ms of
 * microsecond timestamps (ftrace text) or 65 µs of nanosecond ones, exact always.
 */
export const times = (): BlockColumn => new BlockColumn(8, [1000, 1]);
/** Ids into a small table (event types, tasks): 1 byte per event while the table has under 256 rows. */
export const ids = (): IdColumn => new IdColumn();
/** Ids that grow along the file where most events have none (-1): spans, span parents, extras. */
export const sparseIds = (): PackedColumn => new PackedColumn(-1);
/** Integers around zero (errnos, small counts, span exits) with one code for none: 2 bytes per event. */
export const nearZero = (none: number): PackedColumn => new PackedColumn(none);
/** Return values, which most events have none of: a presence bit per event and 2 bytes per value. */
export const rare = (none: number): SparseColumn<PackedColumn> => new SparseColumn(none, new PackedColumn());
/** Small non-negative counts (a CPU number): 1 byte per event while under 256. */
export const small = (): IdColumn => new IdColumn();
/** Entry event ids of call spans (increasing, a few events apart): 2 bytes per span instead of 4. */
export const spanEntries = (): BlockColumn => new BlockColumn(7);
/** Page addresses and range starts (NaN when none): a presence bit per event and 5 bytes per address. */
export const addresses = (): SparseColumn<AddressColumn> => new SparseColumn(NaN, new AddressColumn());
/** Range ends as a length from their start named by a 1-byte code (NaN when none). */
export const rangeEnds = (start: Column): RangeEndColumn => new RangeEndColumn(start);

/**
 * A column that crossed a thread boundary arrives as a plain object with the same fields (its typed arrays
 * transferred): this gives it back the class of `like`, a column of the same kind, without copying, and so
 * to the columns it holds (a sparse column's values, a range end column's starts).
 */
export function reviveColumn<T extends Column>(sent: Column, like: T): T {
  if (Object.getPrototypeOf(sent) === Object.getPrototypeOf(like)) return sent as T;
  Object.setPrototypeOf(sent, Object.getPrototypeOf(like));
  const inner = sent as unknown as Record<string, Column | undefined>;
  for (const [k, v] of Object.entries(like)) if (isColumn(v) && inner[k] !== undefined) reviveColumn(inner[k], v);
  return sent as T;
}

function isColumn(v: unknown): v is Column {
  return typeof v === 'object' && v !== null && typeof (v as Column).get === 'function' && typeof (v as Column).push === 'function';
}

export { StringTable } from './strings';
