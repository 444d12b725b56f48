/**
 * Answers the webview's requests (src/protocol.ts) from an analysis. No vscode import: the editor-side
 * actions (reveal a line, notes, open the panel) come in through `RequestHost`, so the whole request path
 * is unit-tested with an in-memory analysis.
 *
 * Every answer is clamped to protocol LIMITS and measured (bytes of JSON, ms), because a webview message
 * is structured-cloned across processes and a careless query on a 1 GiB trace would carry millions of
 * points.
 */

import type { AnalysisQueries, AnalysisSummary } from '../../core/api';
import type { Finding, MissingEvidence } from '../../core/detect/types';
import type { AddressSpace, PageSummary } from '../../core/model/types';
import {
  LIMITS,
  PROTOCOL_VERSION,
  isRequestMessage,
  pageKey,
  type EventDetail,
  type MessageMetric,
  type Method,
  type NoteView,
  type ParamsOf,
  type ResponseMessage,
  type FindingViewList,
  type ResultOf,
  type TimelineQuery,
  type TimelineResult,
} from '../../protocol';
import { indexFindingsByPage, PageTable } from './pageTable';
import { addressSpace, pageLod, pageNumbers, timelineAsk, timelineResult, type PageLod } from './timelineQuery';
import { findingViews, type ViewQueries } from '../worker/viewQueries';
import { findingsListQueryOf, windowOf } from '../worker/viewArgs';
import { findingsList, findingsOverview } from './findingsQuery';

export interface RequestHost {
  traceName: string;
  summary: AnalysisSummary;
  /** The worker's proxy offers the webview-shaped queries too (ViewQueries); an in-memory analysis may not. */
  queries: AnalysisQueries & Partial<ViewQueries>;
  revealLine(line: number): Promise<void>;
  openPageTimeline(as: AddressSpace, vpns: number[]): Promise<void>;
  listNotes(): Promise<NoteView[]>;
  upsertNote(n: ParamsOf<'upsertNote'>): Promise<NoteView>;
  removeNote(id: string): Promise<void>;
  setFollow(follow: boolean): void;
  /** Opens the capture-recipe command with these rule ids / probe definitions included. */
  createRecipe(include: string[]): Promise<void>;
  /** The page-timeline panel's current pages (the analysis editor has none). */
  panelPages?(): ResultOf<'panelPages'>;
}

const METRICS_KEPT = 200;
/** Page timelines kept for zoom/pan (a panel of 64 rows plus the table's selection). */
const TIMELINES_KEPT = 128;
/** The worker caps one pages() answer at 5000; ask in slices of that size. */
const PAGES_PER_QUERY = 5000;
/** A 64 GiB address range of 4 KiB pages; beyond that the table says it holds the first pages only. */
const MAX_TABLE_PAGES = 16_000_000;

function finiteNumber(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what} must be a finite number`);
  return v;
}

export class RequestHandler {
  private table: Promise<PageTable> | undefined;
  private readonly timelines = new Map<string, Promise<PageLod | undefined>>();
  private findingsCache: Promise<{ findings: Finding[]; missingEvidence: MissingEvidence[] }> | undefined;
  private findingViewsCache: Promise<FindingViewList> | undefined;
  readonly metrics: MessageMetric[] = [];

  constructor(private readonly host: RequestHost) {}

  /** Handles one raw message; returns the response to post (undefined for messages that are not requests). */
  async handle(message: unknown): Promise<ResponseMessage | undefined> {
    if (!isRequestMessage(message)) return undefined;
    const started = performance.now();
    let response: ResponseMessage;
    try {
      const result = await this.dispatch(message.method, message.params);
      response = { kind: 'response', id: message.id, ok: true, result };
    } catch (err) {
      response = { kind: 'response', id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    const bytes = JSON.stringify(response).length;
    this.metrics.push({ method: message.method, ms: Math.round((performance.now() - started) * 100) / 100, bytes });
    if (this.metrics.length > METRICS_KEPT) this.metrics.splice(0, this.metrics.length - METRICS_KEPT);
    return response;
  }

  private findings(): Promise<{ findings: Finding[]; missingEvidence: MissingEvidence[] }> {
    this.findingsCache ??= this.host.queries.findings();
    return this.findingsCache;
  }

  private findingViewList(): Promise<FindingViewList> {
    this.findingViewsCache ??= this.host.queries.findingViews
      ? this.host.queries.findingViews()
      : this.findings().then(({ findings, missingEvidence }) => ({ findings: findingViews(findings), missingEvidence }));
    return this.findingViewsCache;
  }

  private pageTable(): Promise<PageTable> {
    this.table ??= (async () => {
      // the worker answers pages in bounded slices: gather them once, then filter/sort/slice here
      const pages: PageSummary[] = [];
      for (;;) {
        const r = await this.host.queries.pages({ offset: pages.length, limit: PAGES_PER_QUERY });
        pages.push(...r.pages);
        if (r.pages.length === 0 || pages.length >= r.total || pages.length >= MAX_TABLE_PAGES) break;
      }
      const { findings } = await this.findings();
      return new PageTable(pages, indexFindingsByPage(findings));
    })();
    return this.table;
  }

  async dispatch<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  async dispatch(method: Method, params: ParamsOf<Method>): Promise<unknown> {
    const q = this.host.queries;
    switch (method) {
      case 'init':
        return { protocol: PROTOCOL_VERSION, traceName: this.host.traceName, summary: this.host.summary };
      case 'aggregate': {
        const p = params as ParamsOf<'aggregate'>;
        const from = finiteNumber(p.fromTs, 'fromTs');
        const to = Math.max(from + 1, finiteNumber(p.toTs, 'toTs'));
        const buckets = Math.max(1, Math.min(LIMITS.maxBuckets, Math.floor(finiteNumber(p.buckets, 'buckets'))));
        return q.aggregate(from, to, buckets);
      }
      case 'pages':
        // the worker holds the table (sorted once, filtered there): only the visible slice crosses
        if (q.pageView) return q.pageView(params as ParamsOf<'pages'>);
        return (await this.pageTable()).query(params as ParamsOf<'pages'>);
      case 'timeline':
        return this.timeline(params as TimelineQuery);
      case 'event':
        return this.event(params as ParamsOf<'event'>);
      case 'findingsOverview': {
        const p = params as ParamsOf<'findingsOverview'>;
        const w = windowOf(p.window);
        const width = Math.max(1, Math.min(8000, Math.floor(p.width === undefined ? 1000 : finiteNumber(p.width, 'width'))));
        if (q.findingsOverview) return q.findingsOverview(w, width);
        const all = await this.findingViewList();
        return findingsOverview(all.findings, all.missingEvidence, w, width);
      }
      case 'findingsList': {
        const p = findingsListQueryOf(params);
        if (q.findingsList) return q.findingsList(p);
        return findingsList((await this.findingViewList()).findings, p);
      }
      case 'markers': {
        const w = (params as ParamsOf<'markers'>).window;
        if (q.markersIn) return q.markersIn(w ? { fromTs: finiteNumber(w.fromTs, 'window.fromTs'), toTs: finiteNumber(w.toTs, 'window.toTs') } : undefined);
        const all = await q.markers();
        const inWindow = w ? all.filter((m) => m.ts >= finiteNumber(w.fromTs, 'window.fromTs') && m.ts <= finiteNumber(w.toTs, 'window.toTs')) : all;
        return { total: inWindow.length, markers: inWindow.slice(0, LIMITS.maxMarkers) };
      }
      case 'notes':
        return this.host.listNotes();
      case 'upsertNote': {
        const p = params as ParamsOf<'upsertNote'>;
        if (typeof p.body !== 'string' || p.body.length > 20000) throw new Error('note body must be text under 20000 characters');
        finiteNumber(p.line, 'line');
        return this.host.upsertNote(p);
      }
      case 'removeNote': {
        const p = params as ParamsOf<'removeNote'>;
        if (typeof p.id !== 'string') throw new Error('id must be a string');
        await this.host.removeNote(p.id);
        return null;
      }
      case 'revealLine': {
        const line = finiteNumber((params as ParamsOf<'revealLine'>).line, 'line');
        await this.host.revealLine(Math.max(1, Math.floor(line)));
        return null;
      }
      case 'openPageTimeline': {
        const p = params as ParamsOf<'openPageTimeline'>;
        await this.host.openPageTimeline(addressSpace(p.as), pageNumbers(p.vpns));
        return null;
      }
      case 'panelPages':
        return this.host.panelPages?.() ?? null;
      case 'setFollow':
        this.host.setFollow((params as ParamsOf<'setFollow'>).follow === true);
        return null;
      case 'metrics':
        return [...this.metrics];
      case 'createRecipe': {
        const include = (params as ParamsOf<'createRecipe'>).include;
        if (!Array.isArray(include) || include.some((x) => typeof x !== 'string')) throw new Error('include must be a list of strings');
        // the recipe command sanitises every entry again; keep the request small whatever the webview sends
        await this.host.createRecipe(include.slice(0, 64).map((x) => x.slice(0, 1000)));
        return null;
      }
    }
  }

  private async timeline(p: TimelineQuery): Promise<TimelineResult> {
    const ask = timelineAsk(p);
    // the worker keeps busy pages' timelines next to the model and sends only the rows
    if (this.host.queries.timelineView) return this.host.queries.timelineView(p);
    const got = await Promise.all(ask.vpns.map((vpn) => this.cachedTimeline(ask.as, vpn)));
    return timelineResult(ask, got, this.host.summary.lastTs);
  }

  /** Zoom and pan ask for the same pages again: keep the last pages' timelines and bands. */
  private cachedTimeline(as: AddressSpace, vpn: number): Promise<PageLod | undefined> {
    const key = pageKey(as, vpn);
    let hit = this.timelines.get(key);
    if (hit) this.timelines.delete(key);
    else hit = this.host.queries.timeline(as, vpn).then(pageLod);
    this.timelines.set(key, hit);
    while (this.timelines.size > TIMELINES_KEPT) this.timelines.delete(this.timelines.keys().next().value as string);
    return hit;
  }

  private async event(p: ParamsOf<'event'>): Promise<EventDetail | null> {
    const id = finiteNumber(p.id, 'id');
    const event = await this.host.queries.event(id);
    if (!event) return null;
    if (p.as === undefined || p.vpn === undefined) return { event };
    const around = await this.host.queries.stateAround(addressSpace(p.as), finiteNumber(p.vpn, 'vpn'), id);
    return { event, before: around.before, after: around.after };
  }
}
