/**
 * What a record reads back from the event store instead of keeping a copy: a row holds the ids of the events
 * that opened, returned from or closed its sequence, and the replay took the record's timestamps, task, range
 * and owner from those very events (replayMigration.ts, replayInvalidation.ts), so reading them again by id
 * gives the same numbers and strings. EventStore is one; a test may hand in any other.
 *
 * Why: those values as Float64 fields were 48 of the 134 bytes of a migration row and 40 of the 79 of an
 * invalidation row (≈ 16 MB of the 36 MB the records held at the 1 GiB build's peak).
 */

import type { ReadColumn } from '../store';

export interface RecordEvents {
  /** Timestamp of an event (ns). */
  readonly ts: ReadColumn;
  /** Range start (or page address) of an event, NaN when none. */
  readonly a: ReadColumn;
  /** Range end of an event, NaN when none. */
  readonly b: ReadColumn;
  readonly pid: ReadColumn;
  /** Interned strings: the task's command, the pgmap / notifier owner (0 when none). */
  readonly comm: ReadColumn;
  readonly owner: ReadColumn;
  str(col: ReadColumn, id: number): string | undefined;
  funcOf(id: number): string | undefined;
  retOf(id: number): number | undefined;
}
