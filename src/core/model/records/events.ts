/**
 * What a record reads back from the event store instead of keeping a copy: a row holds the ids of the events
 * that opened, returned from or closed its sequence, and the replay took the record's timestamps, task, range
 * and owner from those very events (replayMigration.ts, replayInvalidation.ts), so reading them again by id
 * gives the same numbers and strings. EventStore is one; a test may hand in any other. Strings are read as
 * strings.get(column.get(id)), not through EventStore.str: each getter's call then has one target, which the
 * compiler inlines (str's own call of column.get sees every column its callers pass).
 *
 * Why: kept in the rows, those values took 68 of the 134 bytes of a migration row (seven Float64: window,
 * pages, three timestamps, setup's return; pid, command and owner ids) and 52 of the 79 of an invalidation row,
 * ≈ 20 MB at the 1 GiB build's peak (146k migrations, 207k invalidations). Reading them back through the
 * store's columns costs the detectors ~30 ms a run at 256 MiB (of ~1.2 s), the getters being a few loads more.
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
  /** Interned strings (`strings`): the task's command, the pgmap / notifier owner (0 when none). */
  readonly comm: ReadColumn;
  readonly owner: ReadColumn;
  readonly strings: { get(id: number): string | undefined };
  /** Index of the notifier event an event printed, -1 when none. */
  readonly notifier: ReadColumn;
  /** The event's rare attributes: the number of a notifier event the probe could not name. */
  extra(id: number): { eventNum?: number } | undefined;
  funcOf(id: number): string | undefined;
  retOf(id: number): number | undefined;
}
