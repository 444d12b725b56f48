/** The TraceModel: every query the views and detectors ask, answered from the columns and indexes. */

import type {
  AddressSpace, AddressSpaceSummary, CallSpan, DomainEvent, InvalidationRecord, LodAggregate, MarkerList, MigrationRecord,
  PageState, PageSummary, PageTimeline, StateInterval, TimelineEvent, TraceModel,
} from './types';
import type { EventStore } from './store';
import type { SpanTable } from './spans';
import type { AddressSpacePages, PageTable } from './pages';
import { pageHex, vpnOf, vpnRange } from './pages';
import type { ReplayResult } from './replay';
import { DOMAIN_KINDS, RAW_KINDS, STATES } from './kinds';
import { summarize } from './summary';
import { MarkerTable } from './markers';
import { migrationEventIds } from './migrationEvents';
import type { FieldsFromFile } from './fieldsFromFile';
import { lowerBoundBy } from '../sorted';

export class HmmTraceModel implements TraceModel {
  readonly eventCount: number;
  readonly firstTs: number;
  readonly lastTs: number;
  readonly migrations: readonly MigrationRecord[];
  readonly invalidations: readonly InvalidationRecord[];
  readonly markers: MarkerList;
  private spanObjects?: CallSpan[];
  private tsOrder?: Int32Array;
  private sortedByTs: boolean;

  constructor(
    readonly store: EventStore,
    private readonly spanTable: SpanTable,
    private readonly pageTable: PageTable,
    private readonly result: ReplayResult,
    readonly unresolved: Readonly<Record<string, number>>,
    private readonly fieldsSource?: FieldsFromFile,
  ) {
    this.eventCount = store.count;
    let first = Infinity;
    let last = -Infinity;
    let sorted = true;
    let prev = -Infinity;
    for (let i = 0; i < store.count; i++) {
      const t = store.ts.get(i);
      if (t < first) first = t;
      if (t > last) last = t;
      if (t < prev) sorted = false;
      prev = t;
    }
    this.sortedByTs = sorted;
    this.firstTs = store.count > 0 ? first : 0;
    this.lastTs = store.count > 0 ? last : 0;
    this.migrations = result.migrations;
    this.invalidations = result.invalidations;
    this.markers = new MarkerTable(result.markers, {
      tsOf: (id) => store.ts.get(id),
      markerOf: (id) => ({ id, line: store.line.get(id), ts: store.ts.get(id), pid: store.pid.get(id), text: store.extra(id)?.text ?? '' }),
    });
  }

  get spans(): readonly CallSpan[] {
    if (!this.spanObjects) {
      this.spanObjects = [];
      for (let s = 0; s < this.spanTable.count; s++) this.spanObjects.push(this.spanTable.span(this.store, s));
    }
    return this.spanObjects;
  }

  get spanCount(): number {
    return this.spanTable.count;
  }

  migrationEvents(id: number): number[] {
    const m = this.migrations[id];
    return m ? migrationEventIds(this.store, m) : [];
  }

  asOf(pid: number): AddressSpace {
    return this.spacesOf(pid);
  }

  private spacesOf: (pid: number) => AddressSpace = (pid) => pid;

  /** Set by the builder: pid → address space. */
  bindAddressSpaces(of: (pid: number) => AddressSpace): void {
    this.spacesOf = of;
  }

  private checkId(id: number): void {
    const s = this.store;
    if (!Number.isInteger(id) || id < 0 || id >= s.count) throw new RangeError(`no event ${id} (the trace has ${s.count})`);
  }

  /** An event's raw fields and stack: kept by the store, else read back from the file. */
  private rawOf(id: number): { fields: Record<string, string>; stack?: string[] } {
    const s = this.store;
    if (s.keepFields) return { fields: s.keptFields[id] ?? {}, stack: s.keptStacks[id] };
    if (this.fieldsSource) return this.fieldsSource.read(s.offset.get(id), s.lineCount.get(id));
    return { fields: {} };
  }

  fieldsOf(id: number): Record<string, string> {
    this.checkId(id);
    return this.rawOf(id).fields;
  }

  event(id: number): DomainEvent {
    this.checkId(id);
    const s = this.store;
    const kind = s.kindOf(id);
    const name = s.str(s.name, id) ?? '';
    const { fields, stack } = this.rawOf(id);
    const tgid = s.tgid.get(id);
    const span = s.span.get(id);
    const rng = s.rangeOf(id);
    const addr = s.addrOf(id);
    const ev: DomainEvent = {
      id,
      line: s.line.get(id),
      offset: s.offset.get(id),
      ts: s.ts.get(id),
      cpu: s.cpu.get(id),
      pid: s.pid.get(id),
      comm: s.str(s.comm, id) ?? '',
      as: this.spacesOf(s.pid.get(id)),
      kind,
      name,
      fields,
      summary: summarize(s, id),
      rawKind: RAW_KINDS[s.rawKind.get(id)],
    };
    if (tgid >= 0) ev.tgid = tgid;
    const func = s.funcOf(id);
    if (func) ev.func = func;
    if (addr !== undefined) ev.addr = addr;
    if (rng) {
      ev.start = rng[0];
      ev.end = rng[1];
    }
    const ne = s.notifierOf(id);
    if (ne) ev.notifierEvent = ne;
    const owner = s.str(s.owner, id);
    if (owner !== undefined) ev.owner = owner;
    const blk = s.blockable.get(id);
    if (blk >= 0) ev.blockable = blk === 1;
    const ret = s.retOf(id);
    if (ret !== undefined) ev.ret = ret;
    if (span >= 0) ev.spanId = span;
    if (stack) ev.stack = stack;
    return ev;
  }

  eventsAtLine(line: number): number[] {
    const s = this.store;
    const lo = lowerBoundBy(s.count, (i) => s.line.get(i), line);
    const out: number[] = [];
    for (let i = lo; i < s.count && s.line.get(i) === line; i++) out.push(i);
    if (out.length === 0) {
      // a line inside a multi-line event (a stack frame) belongs to the event that starts above it
      const prev = lo - 1;
      if (prev >= 0 && s.line.get(prev) + s.lineCount.get(prev) > line) out.push(prev);
    }
    return out;
  }

  /** Event ids in time order within [fromTs, toTs], as a lazily built permutation when the file is not sorted. */
  private idsInWindow(fromTs: number, toTs: number): { begin: number; end: number; at: (i: number) => number } {
    const s = this.store;
    if (!this.sortedByTs && !this.tsOrder) {
      const order = new Int32Array(s.count);
      for (let i = 0; i < s.count; i++) order[i] = i;
      order.sort((a, b) => s.ts.get(a) - s.ts.get(b) || a - b);
      this.tsOrder = order;
    }
    const order = this.tsOrder;
    const at = order ? (i: number) => order[i] : (i: number) => i;
    const lower = (t: number, strict: boolean) => lowerBoundBy(s.count, (i) => s.ts.get(at(i)), t, strict);
    return { begin: lower(fromTs, false), end: lower(toTs, true), at };
  }

  eventsInWindow(fromTs: number, toTs: number, limit = 10000): DomainEvent[] {
    const w = this.idsInWindow(fromTs, toTs);
    const out: DomainEvent[] = [];
    for (let i = w.begin; i < w.end && out.length < limit; i++) out.push(this.event(w.at(i)));
    return out;
  }

  aggregate(fromTs: number, toTs: number, buckets: number): LodAggregate {
    const nb = Math.max(1, Math.min(100000, Math.floor(buckets)));
    const span = Math.max(1, toTs - fromTs);
    const bucketNs = span / nb;
    const w = this.idsInWindow(fromTs, toTs);
    const perKind = new Map<number, number[]>();
    const s = this.store;
    let total = 0;
    for (let i = w.begin; i < w.end; i++) {
      const id = w.at(i);
      const k = s.kind.get(id);
      let c = perKind.get(k);
      if (!c) perKind.set(k, (c = new Array<number>(nb).fill(0)));
      c[Math.min(nb - 1, Math.floor((s.ts.get(id) - fromTs) / bucketNs))]++;
      total++;
    }
    const kindIdx = [...perKind.keys()].sort((a, b) => a - b);
    return { fromTs, toTs, bucketNs, kinds: kindIdx.map((k) => DOMAIN_KINDS[k]), counts: kindIdx.map((k) => perKind.get(k)!), total };
  }

  /**
   * pageEventIds(sp, p).length without making the list: a page's own events (page-granular ones, placed once)
   * and the range events over it (in the interval index) are never the same events.
   */
  private pageEventCount(sp: AddressSpacePages, p: number): number {
    return this.pageTable.eventCount(p) + sp.ranges.stabCount(this.pageTable.vpnOf(p));
  }

  /** The page's own events and the range events over it, in id order (the two lists never share an event). */
  private pageEventIds(sp: AddressSpacePages, p: number): number[] {
    const own = this.pageTable.eventsOf(p);
    const ranges = sp.ranges.stab(this.pageTable.vpnOf(p));
    const out = new Array<number>(own.length + ranges.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < own.length && j < ranges.length) out[k++] = own[i] < ranges[j] ? own[i++] : ranges[j++];
    while (i < own.length) out[k++] = own[i++];
    while (j < ranges.length) out[k++] = ranges[j++];
    return out;
  }

  private summary(sp: AddressSpacePages, p: number): PageSummary {
    const t = this.pageTable;
    const states: PageState[] = [];
    for (let i = 0; i < t.stateCount(p); i++) {
      const name = STATES[t.stateOf(p, i)];
      if (!states.includes(name)) states.push(name);
    }
    const vpn = t.vpnOf(p);
    return { as: sp.as, vpn, page: pageHex(vpn), events: this.pageEventCount(sp, p), states, final: STATES[t.cur(p)] };
  }

  private resolveAs(as: AddressSpace): AddressSpace | undefined {
    if (this.pageTable.spaces.has(as)) return as;
    if (typeof as === 'string' && /^\d+$/.test(as) && this.pageTable.spaces.has(Number(as))) return Number(as);
    return undefined;
  }

  get pageCount(): number {
    let n = 0;
    for (const sp of this.pageTable.spaces.values()) n += sp.size;
    return n;
  }

  pages(): PageSummary[] {
    const out: PageSummary[] = [];
    const spaces = [...this.pageTable.spaces.values()].sort((a, b) => String(a.as).localeCompare(String(b.as), undefined, { numeric: true }));
    for (const sp of spaces) for (let p = sp.firstPage; p < sp.firstPage + sp.size; p++) out.push(this.summary(sp, p));
    return out;
  }

  pagesInRange(as: AddressSpace, start: number, end: number): PageSummary[] {
    const key = this.resolveAs(as);
    const sp = key === undefined ? undefined : this.pageTable.spaces.get(key);
    if (!sp) return [];
    const [s, e] = vpnRange(start, end);
    return sp.inRange(s, e).map((p) => this.summary(sp, p));
  }

  pagesOfEvent(id: number): { as: AddressSpace; vpns: number[] } {
    const s = this.store;
    const as = this.spacesOf(s.pid.get(id));
    const sp = this.pageTable.spaces.get(as);
    const addr = s.addrOf(id);
    if (addr !== undefined) {
      const vpn = vpnOf(addr);
      return { as, vpns: sp && sp.find(vpn) >= 0 ? [vpn] : [] };
    }
    const r = s.rangeOf(id);
    if (!r || !sp) return { as, vpns: [] };
    const [a, b] = r[1] >= 2 ** 63 ? [0, Number.MAX_SAFE_INTEGER] : vpnRange(r[0], r[1]);
    return { as, vpns: sp.inRange(a, b).map((p) => this.pageTable.vpnOf(p)) };
  }

  timeline(as: AddressSpace, vpn: number): PageTimeline | undefined {
    const key = this.resolveAs(as);
    const sp = key === undefined ? undefined : this.pageTable.spaces.get(key);
    const p = sp ? sp.find(vpn) : -1;
    if (!sp || p < 0) return undefined;
    const s = this.store;
    const t = this.pageTable;
    const n = t.stateCount(p);
    const intervals: StateInterval[] = [];
    for (let i = 0; i < n; i++) {
      const id = t.stateIdOf(p, i);
      // an interval starts at the timestamp of the event that proves it
      intervals.push({ state: STATES[t.stateOf(p, i)], fromTs: s.ts.get(id), toTs: i + 1 < n ? s.ts.get(t.stateIdOf(p, i + 1)) : null, eventId: id, line: s.line.get(id) });
    }
    const Row = this.rowClass();
    const events: TimelineEvent[] = this.pageEventIds(sp, p).map((id) => new Row(id, s.line.get(id), s.ts.get(id), s.kindOf(id), s.pid.get(id), s.str(s.comm, id) ?? ''));
    return { as: sp.as, vpn, page: pageHex(vpn), intervals, events };
  }

  private rowClassMemo?: new (id: number, line: number, ts: number, kind: TimelineEvent['kind'], pid: number, comm: string) => TimelineEvent;

  /**
   * The class of a timeline's events: plain fields plus `summary`, worked out when read (a view shows a few
   * hundred of a busy page's 10^5 events). It is a prototype getter, so it costs nothing per event made; JSON
   * gets it through toJSON, and code that copies an event reads it by name (a spread or a structured clone
   * would not copy it: see lod.ts pointOf and the worker's capTimeline).
   */
  private rowClass() {
    if (this.rowClassMemo) return this.rowClassMemo;
    const s = this.store;
    this.rowClassMemo = class PageEvent implements TimelineEvent {
      constructor(
        readonly id: number,
        readonly line: number,
        readonly ts: number,
        readonly kind: TimelineEvent['kind'],
        readonly pid: number,
        readonly comm: string,
      ) {}
      get summary(): string {
        return summarize(s, this.id);
      }
      toJSON(): TimelineEvent {
        return { id: this.id, line: this.line, ts: this.ts, kind: this.kind, summary: this.summary, pid: this.pid, comm: this.comm };
      }
    };
    return this.rowClassMemo;
  }

  stateAround(as: AddressSpace, vpn: number, eventId: number): { before: PageState; after: PageState } {
    const key = this.resolveAs(as);
    const p = key === undefined ? -1 : this.pageTable.get(key, vpn);
    if (p < 0) return { before: 'unknown', after: 'unknown' };
    return { before: STATES[this.pageTable.stateAt(p, eventId, false)], after: STATES[this.pageTable.stateAt(p, eventId, true)] };
  }

  addressSpaces(): AddressSpaceSummary[] {
    const info = new Map<AddressSpace, { comms: Set<string>; pids: Set<number> }>();
    const s = this.store;
    for (let id = 0; id < s.count; id++) {
      const pid = s.pid.get(id);
      if (pid <= 0) continue;
      const as = this.spacesOf(pid);
      let i = info.get(as);
      if (!i) info.set(as, (i = { comms: new Set(), pids: new Set() }));
      i.pids.add(pid);
      const c = s.str(s.comm, id);
      if (c !== undefined && i.comms.size < 16) i.comms.add(c);
    }
    // records counted in one pass each (not one filter per address space: a long trace has thousands)
    const migrations = new Map<AddressSpace, number>();
    for (const m of this.migrations) migrations.set(m.as, (migrations.get(m.as) ?? 0) + 1);
    const invalidations = new Map<AddressSpace, number>();
    for (const r of this.invalidations) invalidations.set(r.as, (invalidations.get(r.as) ?? 0) + 1);
    const out: AddressSpaceSummary[] = [];
    for (const [as, i] of info) {
      const sp = this.pageTable.spaces.get(as);
      const sum: AddressSpaceSummary = {
        as,
        comms: [...i.comms],
        pids: [...i.pids].sort((a, b) => a - b),
        pages: sp ? sp.size : 0,
        migrations: migrations.get(as) ?? 0,
        invalidations: invalidations.get(as) ?? 0,
      };
      const parent = this.result.forkedFrom.get(as);
      if (parent !== undefined) sum.forkedFrom = parent;
      out.push(sum);
    }
    return out.sort((a, b) => String(a.as).localeCompare(String(b.as), undefined, { numeric: true }));
  }

  spanOf(id: number): CallSpan | undefined {
    const sp = this.store.span.get(id);
    return sp < 0 ? undefined : this.spanTable.span(this.store, sp);
  }
}
