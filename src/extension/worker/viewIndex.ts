/**
 * What the analysis webviews ask, answered next to the model in the worker and prepared once when the
 * analysis is held, so each request costs a lookup rather than a walk over millions of events:
 * - the rate chart: per-kind sorted timestamps (rateIndex.ts), any window and width in milliseconds;
 * - the Pages table: every page summary read once into columns, with its sort orders and filter masks
 *   (pageTable.ts); only the rows of one visible slice cross the thread boundary, and the `pages` query
 *   filters the same columns;
 * - findings as the view shows them (evidence capped, event ids dropped): the capped list crosses, not the
 *   full one with every event id;
 * - markers in a window by binary search over their timestamps (the model's marker table, model/markers.ts).
 * vscode-free; the extension reaches these through the query proxy (viewQueries.ts, messages.ts QUERY_METHODS).
 */

import type { Analysis } from '../../core/api';
import { DOMAIN_KINDS } from '../../core/model/kinds';
import { HmmTraceModel } from '../../core/model/traceModel';
import type { LodAggregate, Marker } from '../../core/model/types';
import { LIMITS, type FindingView, type PageQuery, type PagesResult, type TimeWindow, type TimelineResult } from '../../protocol';
import { findingViews } from './viewQueries';
import { CAPS } from './caps';
import { findingsOverview } from '../webview/findingsQuery';
import { PageLodCache, pageLod, timelineResult, type TimelineAsk } from '../webview/timelineQuery';
import { indexFindingsByPage, PageTable } from '../webview/pageTable';
import { KindTimeIndex } from './rateIndex';

/** Events of the page timelines kept for zoom and pan (what 128 pages of 20000 events came to before). */
const TIMELINE_EVENTS_KEPT = 2_500_000;

export class ViewIndex {
  private rate: KindTimeIndex | undefined;
  private table: PageTable | undefined;
  private findingList: FindingView[] | undefined;
  /** Full page timelines (not capped like the `timeline` query's answer) for zoom and pan: 128 pages as the
   * extension kept before, and at most 2.5M events (what 128 pages capped at 20000 events each came to). */
  private readonly lods: PageLodCache;

  constructor(
    private readonly analysis: Analysis,
    private readonly timelineEventsKept = TIMELINE_EVENTS_KEPT,
  ) {
    this.lods = new PageLodCache(128, timelineEventsKept);
  }

  /** Builds everything the first view load asks for: run right after the analysis is held. */
  prepare(): void {
    this.prepareOverview();
    this.preparePages();
  }

  /** What the Overview tab (the one a view opens on) and the Findings tab ask: rate chart, findings, markers. */
  prepareOverview(): void {
    const m = this.analysis.model;
    // the overview's first charts, answered once here so the first ones the view asks find the code warm
    this.rateIndex()?.aggregate(m.firstTs, m.lastTs, 1000);
    findingsOverview(this.findings(), [], { fromTs: m.firstTs, toTs: m.lastTs }, 1000);
    // the marker table looks once whether its times ascend (a pass over 132k markers at 1 GiB)
    m.markers.inWindow(m.firstTs, m.lastTs, 0);
  }

  /** The Pages table: every page summary (seconds on a 1 GiB trace, in the model), sort orders, search text. */
  preparePages(): void {
    this.pageTable();
  }

  private rateIndex(): KindTimeIndex | undefined {
    const m = this.analysis.model;
    // the index reads the model's columns; another TraceModel (a test double) answers by itself
    // (kind codes are one byte: the index serves any kind list up to 256 names)
    if (!this.rate && m instanceof HmmTraceModel && DOMAIN_KINDS.length <= 256) {
      const s = m.store;
      this.rate = new KindTimeIndex({ count: m.eventCount, kind: (i) => s.kind.get(i), ts: (i) => s.ts.get(i) }, DOMAIN_KINDS);
    }
    return this.rate;
  }

  /** Whether aggregates come from the rate index (false: from the model, walking the window). */
  get rateIndexed(): boolean {
    return this.rateIndex() !== undefined;
  }

  aggregate(fromTs: number, toTs: number, buckets: number): LodAggregate {
    return this.rateIndex()?.aggregate(fromTs, toTs, buckets) ?? this.analysis.model.aggregate(fromTs, toTs, buckets);
  }

  /**
   * Every page of the model, as columns. The model's summaries (built afresh on each pages() call) are read
   * once and dropped: keeping them beside the table held 92.8k objects at 256 MiB, 370k at 1 GiB.
   */
  pageTable(): PageTable {
    if (!this.table) {
      // all sort orders at once: the first click on a column header must not cost a sort of every page
      this.table = new PageTable(this.analysis.model.pages(), indexFindingsByPage(this.analysis.findings));
      this.table.prepare();
    }
    return this.table;
  }

  pageView(q: PageQuery): PagesResult {
    return this.pageTable().query(q);
  }

  findings(): FindingView[] {
    this.findingList ??= findingViews(this.analysis.findings);
    return this.findingList;
  }

  timeline(ask: TimelineAsk, lastTs: number): TimelineResult {
    const m = this.analysis.model;
    // the pages of one answer must fit the cache together, or zoom and pan would rebuild them every time:
    // a page beyond its share keeps its first events only (as the extension did before, at 20000 per page)
    const share = Math.max(CAPS.timelineEvents, Math.floor(this.timelineEventsKept / ask.vpns.length));
    let capped = false;
    const got = ask.vpns.map((vpn) => {
      const lod = this.lods.get(ask.as, vpn, () => {
        const t = m.timeline(ask.as, vpn);
        if (!t || t.events.length <= share) return pageLod(t);
        const first = pageLod({ ...t, events: t.events.slice(0, share) });
        return first && { ...first, capped: true };
      });
      if (lod?.capped) capped = true;
      return lod;
    });
    const r = timelineResult(ask, got, lastTs);
    if (capped) r.reduced = true;
    return r;
  }

  markersIn(w: TimeWindow | undefined): { total: number; markers: Marker[] } {
    const all = this.analysis.model.markers;
    return w ? all.inWindow(w.fromTs, w.toTs, LIMITS.maxMarkers) : { total: all.length, markers: all.slice(0, LIMITS.maxMarkers) };
  }
}
