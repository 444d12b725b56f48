/**
 * A small in-memory TraceModel for rule tests: events, migrations and invalidations written by hand in the
 * kernel's terms. Only what the detectors query is real; the view queries return plain derived answers.
 */

import type {
  AddressSpace,
  AddressSpaceSummary,
  CallSpan,
  DomainEvent,
  DomainKind,
  InvalidationRecord,
  LodAggregate,
  Marker,
  MarkerList,
  MigrationRecord,
  PageState,
  PageSummary,
  PageTimeline,
  TraceModel,
} from '../../../src/core/model/types';
import { MarkerTable } from '../../../src/core/model/markers';

/** A marker table over plain markers (their index stands for the event id). */
export function markerTableOf(markers: readonly Marker[]): MarkerTable {
  return new MarkerTable(Int32Array.from(markers, (_m, i) => i), { tsOf: (i) => markers[i].ts, markerOf: (i) => markers[i] });
}

export type EventSpec = Partial<DomainEvent> & { kind: DomainKind; ts: number };

export class FakeModel implements TraceModel {
  readonly events: DomainEvent[] = [];
  readonly migrations: MigrationRecord[] = [];
  readonly invalidations: InvalidationRecord[] = [];
  readonly spans: CallSpan[] = [];
  readonly markers: MarkerList = markerTableOf([]);
  readonly unresolved: Record<string, number> = {};
  /** Page states the test declares: `${as}|${vpn}` → state before any event. */
  readonly states = new Map<string, PageState>();

  constructor(readonly as: AddressSpace = 100) {}

  /** Adds an event (ts in µs for readability); returns its id. Line = id + 1. */
  ev(spec: EventSpec): number {
    const id = this.events.length;
    this.events.push({
      id,
      line: id + 1,
      offset: id * 100,
      cpu: 0,
      pid: 100,
      comm: 'hmmtrace',
      as: this.as,
      name: spec.kind,
      fields: {},
      summary: spec.kind,
      rawKind: 'kprobe',
      ...spec,
      ts: spec.ts * 1000,
    });
    return id;
  }

  /** A migration with its setup (and optional pages/finalize) events; times in µs. */
  migration(m: Partial<MigrationRecord> & { start: number; end: number; setupTs: number; direction: MigrationRecord['direction'] }): MigrationRecord {
    const setupId = this.ev({ kind: 'migrate-setup', ts: m.setupTs, start: m.start, end: m.end, pid: m.pid ?? 100 });
    const rec: MigrationRecord = {
      id: this.migrations.length,
      as: this.as,
      pid: 100,
      comm: 'hmmtrace',
      npages: Math.ceil((m.end - m.start) / 4096),
      trigger: 'driver',
      eagain: 0,
      restoredInSetup: 0,
      invalidationIds: [],
      closeId: setupId,
      setupId,
      ...m,
      setupTs: m.setupTs * 1000,
      setupRetTs: m.setupRetTs !== undefined ? m.setupRetTs * 1000 : undefined,
      finalizeTs: m.finalizeTs !== undefined ? m.finalizeTs * 1000 : undefined,
    };
    if (m.finalizeTs !== undefined && m.finalizeId === undefined) {
      rec.finalizeId = this.ev({ kind: 'migrate-finalize', ts: m.finalizeTs, start: m.start, end: m.end, pid: rec.pid });
    }
    this.migrations.push(rec);
    return rec;
  }

  invalidation(r: Partial<InvalidationRecord> & { start: number; end: number; event: InvalidationRecord['event']; startTs: number }): InvalidationRecord {
    const startId = this.ev({ kind: 'invalidate-start', ts: r.startTs, start: r.start, end: r.end, notifierEvent: r.event, owner: r.owner, pid: r.pid ?? 100 });
    const rec: InvalidationRecord = {
      id: this.invalidations.length,
      as: this.as,
      pid: 100,
      comm: 'hmmtrace',
      origin: 'unknown',
      originEvidence: [],
      callbacks: [],
      startId,
      ...r,
      startTs: r.startTs * 1000,
      endTs: r.endTs !== undefined ? r.endTs * 1000 : undefined,
    };
    this.invalidations.push(rec);
    return rec;
  }

  get eventCount(): number {
    return this.events.length;
  }
  get firstTs(): number {
    return this.events[0]?.ts ?? 0;
  }
  get lastTs(): number {
    return Math.max(0, ...this.events.map((e) => e.ts));
  }
  migrationEvents(id: number): number[] {
    const m = this.migrations[id];
    return m ? this.events.filter((e) => e.id === m.setupId || (e.id > m.setupId && e.id <= m.closeId && e.pid === m.pid)).map((e) => e.id) : [];
  }

  event(id: number): DomainEvent {
    const e = this.events[id];
    if (!e) throw new RangeError(`no event ${id}`);
    return e;
  }
  eventsAtLine(line: number): number[] {
    return this.events.filter((e) => e.line === line).map((e) => e.id);
  }
  eventsInWindow(fromTs: number, toTs: number, limit = Infinity): DomainEvent[] {
    return this.events.filter((e) => e.ts >= fromTs && e.ts <= toTs).slice(0, limit);
  }
  aggregate(fromTs: number, toTs: number, buckets: number): LodAggregate {
    return { fromTs, toTs, bucketNs: (toTs - fromTs) / Math.max(1, buckets), kinds: [], counts: [], total: 0 };
  }
  pages(): PageSummary[] {
    return [];
  }
  pagesInRange(): PageSummary[] {
    return [];
  }
  pagesOfEvent(): { as: AddressSpace; vpns: number[] } {
    return { as: this.as, vpns: [] };
  }
  timeline(): PageTimeline | undefined {
    return undefined;
  }
  stateAround(as: AddressSpace, vpn: number): { before: PageState; after: PageState } {
    const s = this.states.get(`${String(as)}|${vpn}`) ?? 'unknown';
    return { before: s, after: s };
  }
  addressSpaces(): AddressSpaceSummary[] {
    return [];
  }
  spanOf(): CallSpan | undefined {
    return undefined;
  }
}

export const PAGE = 4096;
/** A user address like the captures' (0x7f9adac4a000). */
export const BASE = 0x7f9adac4a000;
