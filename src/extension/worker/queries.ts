/**
 * Answers AnalysisQueries against an Analysis held in this thread, with every answer bounded (CAPS).
 * vscode-free: the worker uses it, and the extension uses it in-process when the worker is switched off.
 */

import type { Analysis, AnalysisQueries, AnalysisSummary } from '../../core/api';
import type { AddressSpace, PageState, PageSummary, PageTimeline } from '../../core/model/types';
import { plainInvalidation, plainMigration } from '../../core/model/records/plain';
import { CAPS, clampInt } from './caps';
import type { QueryMethod } from './messages';
import { ViewIndex } from './viewIndex';
import { findingsListQueryOf, pageQueryOf, windowOf } from './viewArgs';
import { findingsList, findingsOverview } from '../webview/findingsQuery';
import { timelineAsk } from '../webview/timelineQuery';
import type { PageTable } from '../webview/pageTable';
import type { TimelineQuery } from '../../protocol';

type PagesFilter = Parameters<AnalysisQueries['pages']>[0];

export class QueryAnswerer {
  readonly view: ViewIndex;

  constructor(
    readonly analysis: Analysis,
    private readonly summarize: (a: Analysis) => AnalysisSummary,
  ) {
    this.view = new ViewIndex(analysis);
  }

  private summaryOnce: AnalysisSummary | undefined;

  /** The summary, computed once: it counts every page and address space, seconds on a 1 GiB trace. */
  summary(): AnalysisSummary {
    this.summaryOnce ??= this.summarize(this.analysis);
    return this.summaryOnce;
  }

  /** Dispatches a query by name; arguments come from another thread and are validated here. */
  answer(method: QueryMethod, args: unknown[]): unknown {
    const m = this.analysis.model;
    const num = (i: number): number => {
      const v = args[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${method}: argument ${i + 1} must be a number`);
      return v;
    };
    const as = (i: number): AddressSpace => {
      const v = args[i];
      if (typeof v === 'number' || typeof v === 'string') return v;
      throw new Error(`${method}: argument ${i + 1} must be an address space`);
    };
    const validId = (id: number): boolean => Number.isInteger(id) && id >= 0 && id < m.eventCount;
    switch (method) {
      case 'summary':
        return this.summary();
      case 'findings':
        return { findings: this.analysis.findings.slice(0, CAPS.findings), missingEvidence: this.analysis.missingEvidence };
      case 'event': {
        const id = num(0);
        return validId(id) ? m.event(id) : undefined;
      }
      case 'eventsAtLine':
        return m.eventsAtLine(num(0)).slice(0, CAPS.eventsAtLine).map((id) => m.event(id));
      case 'eventsInWindow':
        return m.eventsInWindow(num(0), num(1), clampInt(args[2], 1, CAPS.eventsInWindow, 1000));
      case 'aggregate':
        return this.view.aggregate(num(0), num(1), clampInt(args[2], 1, CAPS.aggregateBuckets, 100));
      case 'pages':
        return filterPages(this.view.pageTable(), (args[0] ?? {}) as NonNullable<PagesFilter>);
      case 'pageView':
        return this.view.pageView(pageQueryOf(args[0]));
      case 'findingViews':
        return { findings: this.view.findings(), missingEvidence: this.analysis.missingEvidence };
      case 'markersIn':
        return this.view.markersIn(windowOf(args[0]));
      case 'findingsOverview':
        return findingsOverview(this.view.findings(), this.analysis.missingEvidence, windowOf(args[0]), clampInt(args[1], 1, 8000, 1000));
      case 'timelineView':
        return this.view.timeline(timelineAsk(args[0] as TimelineQuery), this.summary().lastTs);
      case 'findingsList':
        return findingsList(this.view.findings(), findingsListQueryOf(args[0]));
      case 'pagesOfEvent': {
        const id = num(0);
        if (!validId(id)) return { as: 0, vpns: [] };
        const r = m.pagesOfEvent(id);
        return { as: r.as, vpns: r.vpns.slice(0, CAPS.pagesOfEvent) };
      }
      case 'timeline':
        return capTimeline(m.timeline(as(0), num(1)));
      case 'stateAround':
        return m.stateAround(as(0), num(1), num(2));
      case 'spanOf': {
        const id = num(0);
        return validId(id) ? m.spanOf(id) : undefined;
      }
      case 'addressSpaces':
        return m.addressSpaces();
      // plain objects for the structured clone: the model's records read their fields in prototype getters
      case 'migrations':
        return m.migrations.slice(0, CAPS.records).map(plainMigration);
      case 'invalidations':
        return m.invalidations.slice(0, CAPS.records).map(plainInvalidation);
      case 'markers':
        return m.markers.slice(0, CAPS.markers);
      default:
        throw new Error(`unknown query ${String(method)}`);
    }
  }
}

/** The model's pages (in its pages() order) that pass the filter: summaries are made for the slice only. */
export function filterPages(all: PageTable, f: NonNullable<PagesFilter>): { total: number; pages: PageSummary[] } {
  const text = typeof f.text === 'string' && f.text !== '' ? f.text.toLowerCase() : undefined;
  const state = f.state as PageState | undefined;
  const offset = clampInt(f.offset, 0, Number.MAX_SAFE_INTEGER, 0);
  const limit = clampInt(f.limit, 1, CAPS.pages, 1000);
  const pages: PageSummary[] = [];
  let total = 0;
  for (let i = 0; i < all.size; i++) {
    if (f.as !== undefined && all.asOf(i) !== f.as) continue;
    const addr = all.vpnOf(i) * 4096;
    if (typeof f.start === 'number' && addr < f.start) continue;
    if (typeof f.end === 'number' && addr >= f.end) continue;
    if (state && !all.statesOf(i).includes(state)) continue;
    if (text && !`${all.pageOf(i)} ${String(all.asOf(i))} ${all.statesOf(i).join(' ')}`.toLowerCase().includes(text)) continue;
    if (total >= offset && total - offset < limit) pages.push(all.summaryAt(i));
    total++;
  }
  return { total, pages };
}

function capTimeline(t: PageTimeline | undefined): PageTimeline | undefined {
  if (!t) return t;
  // plain objects for the structured clone: the model's events compute `summary` in a prototype getter
  const events = t.events.slice(0, CAPS.timelineEvents).map((e) => ({ id: e.id, line: e.line, ts: e.ts, kind: e.kind, summary: e.summary, pid: e.pid, comm: e.comm }));
  return { ...t, events };
}
