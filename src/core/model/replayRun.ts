/**
 * What one replay shares between its event families (replayMigration.ts, replayInvalidation.ts,
 * replayPages.ts): its inputs, the records made so far, each task's context, the fork relations, and the
 * event being replayed (set by the loop in replay.ts before it hands the event to its family).
 */

import type { AddressSpaces } from './addressSpaces';
import type { EventStore } from './store';
import type { SpanTable } from './spans';
import type { AddressSpace } from './types';
import type { PageTable } from './pages';
import { vpnRange } from './pages';
import { HIGH_ADDR, type TaskContext } from './replayContext';
import { ChainOrigins } from './chainOrigins';
import { ValueIds } from './records/rows';
import { type Invalidation, InvalidationTable } from './records/invalidations';
import { type Migration, MigrationTable } from './records/migrations';

export class ReplayRun {
  /** Fault pages and address spaces the records name, each kept once. */
  readonly values = new ValueIds<AddressSpace>();
  /** The records read what they took from events back from the store (records/events.ts). */
  readonly invalidationTable: InvalidationTable;
  readonly migrationTable: MigrationTable;
  readonly migrations: readonly Migration[];
  /** In start event order (so a start event's record is found by binary search). */
  readonly invalidations: readonly Invalidation[];
  readonly tasks = new Map<number, TaskContext>();
  readonly forkedFrom = new Map<AddressSpace, AddressSpace>();
  /** Fork parent ↔ child: remove_migration_pte's rmap walk restores a shared page in each of them. */
  readonly relatives = new Map<AddressSpace, AddressSpace[]>();
  readonly forkAt = new Map<number, { parent: AddressSpace; child: AddressSpace }>();
  /** pgmap owners named by migrate_vma_setup: a notifier callback receiving one of them gets its own event. */
  readonly driverOwners = new Set<string>();
  /** Origins from span chains, the parents' answers kept (chainOrigins.ts). */
  readonly chainOrigins: ChainOrigins;
  /** The interned name __mmu_notifier_invalidate_range_start (0: no event names it). */
  readonly rangeStartFunc: number;

  // the event being replayed
  id = 0;
  as: AddressSpace = 0;
  t: TaskContext = newTask();
  /** The page a page-granular event names in its address space, -1 for none (or no page there). */
  page = -1;
  /** The last span whose chain was looked at for a THP split (replayPages.ts), and the answer. */
  thpParent = -1;
  thpParentIn = false;

  constructor(
    readonly store: EventStore,
    readonly spaces: AddressSpaces,
    readonly pages: PageTable,
    readonly spans: SpanTable,
  ) {
    this.invalidationTable = new InvalidationTable(this.values, store);
    this.migrationTable = new MigrationTable(this.values, this.invalidationTable, store);
    this.migrations = this.migrationTable.list;
    this.invalidations = this.invalidationTable.list;
    this.chainOrigins = new ChainOrigins(store, spans);
    this.rangeStartFunc = store.strings.find('__mmu_notifier_invalidate_range_start');
    for (const f of spaces.processForks()) {
      this.forkAt.set(f.eventId, f);
      this.forkedFrom.set(f.child, f.parent);
      this.relatives.set(f.parent, [...(this.relatives.get(f.parent) ?? []), f.child]);
      this.relatives.set(f.child, [...(this.relatives.get(f.child) ?? []), f.parent]);
    }
  }

  task(pid: number): TaskContext {
    let t = this.tasks.get(pid);
    if (!t) this.tasks.set(pid, (t = newTask()));
    return t;
  }

  /** Every page of [start, end) in the address space enters `state` (HIGH_ADDR and above: the whole space). */
  setRange(as: AddressSpace, start: number, end: number, state: number, id: number): void {
    const sp = this.pages.spaces.get(as);
    if (!sp) return;
    const [s, e] = end >= HIGH_ADDR ? [0, Number.MAX_SAFE_INTEGER] : vpnRange(start, end);
    for (const p of sp.inRange(s, e)) this.pages.setState(p, state, id);
  }
}

function newTask(): TaskContext {
  return { migration: undefined, invStack: [], syscall: undefined, munmapRange: undefined, inMigrateToRam: 0, inSwapFault: 0, inExclusive: 0 };
}
