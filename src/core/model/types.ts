/**
 * The model contract: HMM domain events, per-page timelines, migration and invalidation records, and the
 * queries the views need. Decode (src/core/decode) turns RawEvents into DomainEvents; the model
 * (src/core/model) stores them column-wise and answers the queries below. Detect, report, the CLI, the
 * extension and the webview use only these types.
 *
 * Addresses: user virtual addresses are `number`s (exact: user space is < 2^57). Kernel pointers (owners,
 * folios, mm) are kept as lower-case hex strings with `0x`, because they do not fit a double.
 * Pages are keyed by (address space, virtual page number = address / 4096).
 */

import type { RawEventKind } from '../ingest/types';

/** The address space a page lives in: the tgid when known, else the pid, else the `mm=` pointer string. */
export type AddressSpace = number | string;

/** `enum mmu_notifier_event` names (include/linux/mmu_notifier.h), by value 0..7. */
export type NotifierEvent =
  | 'UNMAP'
  | 'CLEAR'
  | 'PROTECTION_VMA'
  | 'PROTECTION_PAGE'
  | 'SOFT_DIRTY'
  | 'RELEASE'
  | 'MIGRATE'
  | 'EXCLUSIVE'
  | 'UNKNOWN';

export type PageState =
  | 'unknown'
  | 'system'
  | 'migrating-to-device'
  | 'device-private'
  | 'migrating-to-system'
  | 'device-exclusive'
  | 'unmapped';

/** Where an invalidation came from: from the attached stack, else the enclosing call span. */
export type InvalidationOrigin =
  | 'migrate_vma_setup'
  | 'migrate_vma_pages'
  | 'try_to_migrate_one'
  | 'split_huge_pmd'
  | 'migrate_to_ram'
  | 'zap'
  | 'munmap'
  | 'mprotect'
  | 'fork'
  | 'madvise'
  | 'make_device_exclusive'
  | 'remove_device_exclusive_entry'
  | 'wp_page_copy'
  | 'exit'
  | 'unknown';

/** Stable lower-case names of domain events (the `kind` column, CLI `timeline` output, webview legend). */
export type DomainKind =
  | 'invalidate-start'
  | 'invalidate-end'
  | 'invalidate-secondary' // __mmu_notifier_invalidate_range / arch_invalidate_secondary_tlbs
  | 'driver-invalidate' // driver callback entry (dmirror, nouveau, amdkfd, xe) or driver log line
  | 'driver-invalidate-ret'
  | 'migrate-setup'
  | 'migrate-setup-ret'
  | 'migrate-collect'
  | 'migrate-unmap'
  | 'migrate-unmap-ret'
  | 'migrate-pages'
  | 'migrate-finalize'
  | 'migrate-device-range'
  | 'move-mapping'
  | 'move-mapping-ret'
  | 'migration-pte-set'
  | 'migration-pte-remove'
  | 'migration-pmd-set'
  | 'migration-pmd-remove'
  | 'remove-migration-ptes'
  | 'try-to-migrate'
  | 'cpu-fault'
  | 'swap-fault'
  | 'swap-fault-ret'
  | 'migrate-to-ram'
  | 'migrate-to-ram-ret'
  | 'device-fault'
  | 'hmm-range-fault'
  | 'hmm-range-fault-ret'
  | 'exclusive-make'
  | 'exclusive-make-ret'
  | 'exclusive-one'
  | 'exclusive-restore'
  | 'thp-split'
  | 'thp-split-ret'
  | 'migration-wait'
  | 'sched-block'
  | 'page-ref'
  | 'tlb-flush'
  | 'change-protection'
  | 'change-protection-ret'
  | 'copy-page-range'
  | 'syscall'
  | 'syscall-ret'
  | 'process-fork'
  | 'process-exit'
  | 'device-free'
  | 'unmap'
  | 'marker'
  | 'function'
  | 'generic';

/** A decoded event, materialised from the columnar store on demand. */
export interface DomainEvent {
  id: number;
  line: number;
  offset: number;
  ts: number;
  cpu: number;
  pid: number;
  tgid?: number;
  comm: string;
  as: AddressSpace;
  kind: DomainKind;
  /** Raw event name as printed (probe or tracepoint name). */
  name: string;
  /** Kernel function this event is about (probed symbol, callee of a kretprobe, tracepoint's function). */
  func?: string;
  /** Page-granular events: the address. Range events: start/end ([start, end)). */
  addr?: number;
  start?: number;
  end?: number;
  /** Invalidations: the notifier event and owner. */
  notifierEvent?: NotifierEvent;
  owner?: string;
  blockable?: boolean;
  /** Return value of a kretprobe (as a signed number when decimal/hex). */
  ret?: number;
  /** Call span this event opens, closes or sits in (see CallSpan). */
  spanId?: number;
  /** Raw fields, verbatim. */
  fields: Record<string, string>;
  stack?: string[];
  /** One-line human summary in kernel terms, e.g. `MIGRATE [0x7f..000, 0x7f..000) owner=dmirror (8 pages)`. */
  summary: string;
  /** The raw kind the reader saw. */
  rawKind: RawEventKind;
}

/** A function call rebuilt from entry/return pairs per task (kprobe+kretprobe, funcgraph entry+exit). */
export interface CallSpan {
  id: number;
  pid: number;
  func: string;
  depth: number;
  parentId?: number;
  entryId: number;
  exitId?: number;
  startTs: number;
  /** undefined when the return was not captured. */
  endTs?: number;
  ret?: number;
}

export interface StateInterval {
  state: PageState;
  fromTs: number;
  /** null while the state lasts to the end of the trace. */
  toTs: number | null;
  /** The event that proves the state (opened it). */
  eventId: number;
  line: number;
}

export interface TimelineEvent {
  id: number;
  line: number;
  ts: number;
  kind: DomainKind;
  summary: string;
  pid: number;
  comm: string;
}

export interface PageTimeline {
  as: AddressSpace;
  vpn: number;
  /** `0x7facf60de000` */
  page: string;
  intervals: StateInterval[];
  /** Page-granular events plus range events (invalidations, migrations) resolved for this page. */
  events: TimelineEvent[];
}

export interface PageSummary {
  as: AddressSpace;
  vpn: number;
  page: string;
  events: number;
  /** Distinct states in order of first appearance. */
  states: PageState[];
  final: PageState;
}

export interface MigrationRecord {
  id: number;
  as: AddressSpace;
  pid: number;
  comm: string;
  start: number;
  end: number;
  npages: number;
  /** MIGRATE_VMA_SELECT_* bits; undefined when not captured. */
  flags?: number;
  direction: 'to-device' | 'to-system' | 'unknown';
  pgmapOwner?: string;
  faultPage?: string;
  /** How the migration was started: a driver ioctl/prefetch, a CPU fault (migrate_to_ram), device eviction. */
  trigger: 'driver' | 'migrate-to-ram' | 'device-range' | 'unknown';
  setupId: number;
  setupTs: number;
  setupRetTs?: number;
  setupRet?: number;
  /** migrate_device_unmap's return (pages still marked MIGRATE after unmap), when captured. */
  unmapped?: number;
  /** args->cpages seen at migrate_vma_pages / finalize, when captured. */
  cpages?: number;
  /** Pages whose move succeeded (move-mapping returns 0), when captured. */
  moved?: number;
  /** move-mapping -EAGAIN count. */
  eagain: number;
  /** remove_migration_pte events inside the setup window (same task): pages restored by the refcount check. */
  restoredInSetup: number;
  pagesId?: number;
  finalizeId?: number;
  finalizeTs?: number;
  /** Invalidation records issued inside this migration's window by the same task. */
  invalidationIds: number[];
  /**
   * The event that ended the sequence (a new setup, the return of the fault or syscall, exit, or the last event
   * of the trace); the migration's events are listed by TraceModel.migrationEvents.
   */
  closeId: number;
}

export interface DriverCallback {
  driver: 'dmirror' | 'nouveau' | 'amdkfd' | 'xe' | 'unknown';
  func: string;
  eventId: number;
  /** The callback's return when captured (interval notifiers: 1 = true). */
  ret?: number;
  /** true when the callback received its own MIGRATE/EXCLUSIVE (owner == its pgmap owner). */
  ownEvent?: boolean;
}

export interface InvalidationRecord {
  id: number;
  as: AddressSpace;
  pid: number;
  comm: string;
  start: number;
  end: number;
  event: NotifierEvent;
  /** Raw enum value when printed as a number. */
  eventNum?: number;
  /** Kernel pointer string, `0x0` for NULL; undefined when not captured. */
  owner?: string;
  blockable?: boolean;
  origin: InvalidationOrigin;
  /** The frames (or enclosing spans) that decided the origin. */
  originEvidence: string[];
  startId: number;
  startTs: number;
  endId?: number;
  endTs?: number;
  callbacks: DriverCallback[];
  /**
   * callbacks.length, counted without listing them (records whose `callbacks` are made on each read have it;
   * detect/callbacks.ts falls back to the list).
   */
  readonly callbackCount?: number;
  /** Whether a callback received its own MIGRATE/EXCLUSIVE (a callback with ownEvent true), without listing them. */
  readonly anyOwnCallback?: boolean;
  /** Migration record whose window (same task) contains this invalidation. */
  migrationId?: number;
}

export interface AddressSpaceSummary {
  as: AddressSpace;
  comms: string[];
  pids: number[];
  pages: number;
  migrations: number;
  invalidations: number;
  /** The parent address space when created by a fork seen in the trace. */
  forkedFrom?: AddressSpace;
}

/** Counts of events per kind per time bucket, for a chart of `buckets` pixels/bars. */
export interface LodAggregate {
  fromTs: number;
  toTs: number;
  bucketNs: number;
  /** Kinds present in the window, in a stable order. */
  kinds: DomainKind[];
  /** counts[k][b]: events of kinds[k] in bucket b. */
  counts: number[][];
  total: number;
}

/** A marker (tracing_mark_write) kept as a user annotation. */
export interface Marker {
  id: number;
  line: number;
  ts: number;
  pid: number;
  text: string;
}

/**
 * The trace's markers in file order. The model keeps them as event ids (model/markers.ts) and makes Marker
 * objects only for the ones asked: a view lists a window or the first few thousand of 100k+ markers.
 */
export interface MarkerList {
  readonly length: number;
  at(i: number): Marker | undefined;
  /** Markers from..to-1 (Array.prototype.slice's arguments). */
  slice(from?: number, to?: number): Marker[];
  /** Markers with fromTs ≤ ts ≤ toTs: how many, and the first `cap` of them in file order. */
  inWindow(fromTs: number, toTs: number, cap: number): { total: number; markers: Marker[] };
}

/** Everything the views and detectors may ask. Implemented in-process by the model and, in the extension,
 * by a proxy to the analysis worker (every method is then async; see src/core/api.ts AnalysisQueries). */
export interface TraceModel {
  readonly eventCount: number;
  /** How many pages pages() lists, without making them (optional: a proxy may not know it). */
  readonly pageCount?: number;
  readonly firstTs: number;
  readonly lastTs: number;
  event(id: number): DomainEvent;
  /**
   * event(id).fields alone (optional: the in-process model), without building the rest of the event: detectors
   * read back a few thousand events' raw fields (syscall arguments, a split's freeze flag) and nothing else.
   */
  fieldsOf?(id: number): Record<string, string>;
  /** Event ids whose first line is `line` (usually one). */
  eventsAtLine(line: number): number[];
  eventsInWindow(fromTs: number, toTs: number, limit?: number): DomainEvent[];
  aggregate(fromTs: number, toTs: number, buckets: number): LodAggregate;
  pages(): PageSummary[];
  pagesInRange(as: AddressSpace, start: number, end: number): PageSummary[];
  /** Pages the event touches (page-granular or range). */
  pagesOfEvent(id: number): { as: AddressSpace; vpns: number[] };
  timeline(as: AddressSpace, vpn: number): PageTimeline | undefined;
  /** The page's state just before and just after an event. */
  stateAround(as: AddressSpace, vpn: number, eventId: number): { before: PageState; after: PageState };
  addressSpaces(): AddressSpaceSummary[];
  /**
   * In process the records are handles on typed rows (model/records): their fields are prototype getters, so a
   * spread, Object.keys or a structured clone sees none of them; JSON.stringify goes through toJSON, and a record
   * that leaves the thread is copied with plainMigration / plainInvalidation (model/records/plain.ts) first.
   */
  readonly migrations: readonly MigrationRecord[];
  /** The domain events of migration `id` (its setup, then its task's events up to closeId), ascending. */
  migrationEvents(id: number): number[];
  readonly invalidations: readonly InvalidationRecord[];
  readonly spans: readonly CallSpan[];
  /** Innermost call span enclosing the event (same task), if any. */
  spanOf(id: number): CallSpan | undefined;
  readonly markers: MarkerList;
  /** Events that could not be attributed (probe not resolved, field missing): name → count. */
  readonly unresolved: Readonly<Record<string, number>>;
}
