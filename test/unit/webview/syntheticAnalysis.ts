/**
 * An in-memory AnalysisQueries over synthetic page timelines, for testing the webview's request path
 * without the worker: `pages` pages, each migrated to the device and back `cycles` times (the event
 * sequence test_hmm's double_migrate produces: migrate_vma_setup, a MIGRATE invalidation span, migration
 * PTEs, finalize; then a CPU fault → migrate_to_ram), with task names chosen by the caller (the XSS tests
 * pass markup there).
 */

import type { AnalysisQueries, AnalysisSummary } from '../../../src/core/api';
import type { Finding } from '../../../src/core/detect/types';
import type { DomainEvent, DomainKind, LodAggregate, PageState, PageSummary, PageTimeline, StateInterval, TimelineEvent } from '../../../src/core/model/types';

export interface SyntheticOptions {
  pages: number;
  cycles: number;
  comm?: string;
  base?: number;
  as?: number;
}

const STEP: { kind: DomainKind; summary: string; state?: PageState }[] = [
  { kind: 'migrate-setup', summary: 'migrate_vma_setup', state: 'migrating-to-device' },
  { kind: 'invalidate-start', summary: 'MIGRATE invalidate_range_start' },
  { kind: 'migration-pte-set', summary: 'set_migration_pte' },
  { kind: 'invalidate-end', summary: 'invalidate_range_end' },
  { kind: 'migrate-finalize', summary: 'migrate_vma_finalize', state: 'device-private' },
  { kind: 'cpu-fault', summary: 'do_swap_page on a device-private entry' },
  { kind: 'migrate-to-ram', summary: 'dmirror_devmem_fault' },
  { kind: 'migrate-setup', summary: 'migrate_vma_setup from the fault', state: 'migrating-to-system' },
  { kind: 'migrate-finalize', summary: 'migrate_vma_finalize', state: 'system' },
];

export function syntheticAnalysis(o: SyntheticOptions): { queries: AnalysisQueries; summary: AnalysisSummary; events: DomainEvent[] } {
  const comm = o.comm ?? 'hmm-tests';
  const as = o.as ?? 1234;
  const base = o.base ?? 0x7f0000000000;
  const events: DomainEvent[] = [];
  const timelines = new Map<number, PageTimeline>();
  let ts = 1_000_000_000;
  for (let p = 0; p < o.pages; p++) {
    const vpn = Math.floor(base / 4096) + p;
    const page = `0x${(vpn * 4096).toString(16)}`;
    const intervals: StateInterval[] = [{ state: 'system', fromTs: ts, toTs: null, eventId: events.length, line: events.length + 1 }];
    const tEvents: TimelineEvent[] = [];
    for (let c = 0; c < o.cycles; c++) {
      for (const s of STEP) {
        ts += 1000;
        const id = events.length;
        const ev: DomainEvent = {
          id, line: id + 1, offset: id * 100, ts, cpu: 0, pid: 100, tgid: as, comm, as, kind: s.kind,
          name: s.kind, addr: vpn * 4096, fields: { addr: page }, summary: `${s.summary} ${page}`, rawKind: 'kprobe',
        };
        events.push(ev);
        tEvents.push({ id, line: ev.line, ts, kind: s.kind, summary: ev.summary, pid: 100, comm });
        if (s.state) {
          intervals[intervals.length - 1].toTs = ts;
          intervals.push({ state: s.state, fromTs: ts, toTs: null, eventId: id, line: ev.line });
        }
      }
    }
    timelines.set(vpn, { as, vpn, page, intervals, events: tEvents });
  }
  const firstTs = events[0]?.ts ?? 0;
  const lastTs = events[events.length - 1]?.ts ?? 0;
  const summaries: PageSummary[] = [...timelines.values()].map((t) => {
    const states: PageState[] = [];
    for (const i of t.intervals) if (!states.includes(i.state)) states.push(i.state);
    return { as, vpn: t.vpn, page: t.page, events: t.events.length, states, final: t.intervals[t.intervals.length - 1].state };
  });
  const findings: Finding[] = summaries.slice(0, 3).map((p, i) => ({
    rule: 'refcount/pages-not-collected', severity: 'warning', title: `Pages not collected ${i}`,
    message: `${comm} could not collect ${p.page}`, explanation: 'A raised refcount kept the page from being isolated.',
    as, pages: [p.page], fromTs: firstTs, toTs: lastTs, lines: [i + 1], eventIds: [i], comm, pid: 100, key: `k${i}`,
  }));
  const summary: AnalysisSummary = {
    file: '/synthetic.trace', format: 'ftrace', formatDetail: 'synthetic', kernelHints: ['6.12'], events: events.length,
    lines: events.length, unparsed: 0, lostEvents: 0, firstTs, lastTs, addressSpaces: 1, pages: summaries.length,
    migrations: { count: o.pages * o.cycles * 2, requested: 1, collected: 1, migrated: 1 }, invalidations: { MIGRATE: o.pages * o.cycles },
    findings: { error: 0, warning: findings.length, info: 0 },
  };
  const inWindow = (from: number, to: number) => events.filter((e) => e.ts >= from && e.ts <= to);
  const queries: AnalysisQueries = {
    summary: async () => summary,
    findings: async () => ({ findings, missingEvidence: [] }),
    event: async (id) => events[id],
    eventsAtLine: async (line) => events.filter((e) => e.line === line),
    eventsInWindow: async (from, to, limit) => inWindow(from, to).slice(0, limit),
    aggregate: async (from, to, buckets): Promise<LodAggregate> => {
      const kinds = [...new Set(events.map((e) => e.kind))];
      const bucketNs = Math.max(1, (to - from) / buckets);
      const counts = kinds.map(() => new Array<number>(buckets).fill(0));
      let total = 0;
      for (const e of inWindow(from, to)) {
        counts[kinds.indexOf(e.kind)][Math.min(buckets - 1, Math.floor((e.ts - from) / bucketNs))]++;
        total++;
      }
      return { fromTs: from, toTs: to, bucketNs, kinds, counts, total };
    },
    // like the worker: bounded slices (default 1000, at most 5000)
    pages: async (f) => {
      const offset = f?.offset ?? 0;
      const limit = Math.min(5000, f?.limit ?? 1000);
      const hit = summaries.filter(
        (p) => (f?.as === undefined || p.as === f.as) && (f?.start === undefined || p.vpn * 4096 >= f.start) && (f?.end === undefined || p.vpn * 4096 < f.end),
      );
      return { total: hit.length, pages: hit.slice(offset, offset + limit) };
    },
    pagesOfEvent: async (id) => ({ as, vpns: events[id]?.addr !== undefined ? [Math.floor((events[id].addr as number) / 4096)] : [] }),
    timeline: async (_as, vpn) => timelines.get(vpn),
    stateAround: async () => ({ before: 'system', after: 'migrating-to-device' }),
    spanOf: async () => undefined,
    addressSpaces: async () => [],
    migrations: async () => [],
    invalidations: async () => [],
    markers: async () => [],
  };
  return { queries, summary, events };
}
