/**
 * A page-timeline request, from the webview's parameters to the rows it draws: checked parameters, then one
 * row per page sized for the pixel width (lod.ts). Pure and synchronous over the pages' timelines, so the
 * worker answers it next to the model (a busy page has 10^5 events: its full timeline stays there, only the
 * few points per pixel cross) and the request handler answers it the same way over an in-memory analysis.
 */

import type { AddressSpace, PageTimeline, TimelineEvent } from '../../core/model/types';
import { LIMITS, pageKey, type Band, type TimeWindow, type TimelineQuery, type TimelineResult } from '../../protocol';
import { bandsOf, lifetimeOf, timelineRow } from './lod';
import { lowerBound } from '../../core/sorted';

/** A page's timeline with its migration windows and invalidation spans (computed once per page). */
export interface PageLod {
  t: PageTimeline;
  bands: Band[];
  /** The events' timestamps when the events are in time order (a zoomed window is then found by search). */
  ts?: Float64Array;
  /** Only the page's first events are kept (a busy page among many asked at once). */
  capped?: boolean;
}

export function pageLod(t: PageTimeline | undefined): PageLod | undefined {
  if (!t) return undefined;
  const ts = Float64Array.from(t.events, (e) => e.ts);
  for (let i = 1; i < ts.length; i++) if (ts[i] < ts[i - 1]) return { t, bands: bandsOf(t.events) };
  return { t, bands: bandsOf(t.events), ts };
}

/** The events that can lie in the window: all, or the time-sorted slice [first ts >= from, last ts <= to]. */
function candidates(lod: PageLod, w: TimeWindow): readonly TimelineEvent[] {
  const ts = lod.ts;
  if (!ts) return lod.t.events;
  const from = lowerBound(ts, w.fromTs, false);
  const to = lowerBound(ts, w.toTs, true);
  return from === 0 && to === ts.length ? lod.t.events : lod.t.events.slice(from, Math.max(from, to));
}

export interface TimelineAsk {
  as: AddressSpace;
  vpns: number[];
  width: number;
  window?: TimeWindow;
  /** More pages were asked for than one answer carries (LIMITS.maxTimelinePages). */
  truncated: boolean;
}

function finiteNumber(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what} must be a finite number`);
  return v;
}

export function addressSpace(v: unknown): AddressSpace {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.length <= 64) return v;
  throw new Error('as must be a number or a pointer string');
}

export function pageNumbers(v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error('vpns must be a non-empty list of page numbers');
  return v.slice(0, LIMITS.maxTimelinePages).map((n) => finiteNumber(n, 'vpn'));
}

/** Checks a timeline request as it comes from the webview (or from the extension, in the worker). */
export function timelineAsk(p: TimelineQuery): TimelineAsk {
  if (typeof p !== 'object' || p === null) throw new Error('timeline: the query must be an object');
  const as = addressSpace(p.as);
  const vpns = pageNumbers(p.vpns);
  const width = Math.max(50, Math.min(8000, finiteNumber(p.width, 'width')));
  const window = p.window ? { fromTs: finiteNumber(p.window.fromTs, 'window.fromTs'), toTs: finiteNumber(p.window.toTs, 'window.toTs') } : undefined;
  return { as, vpns, width, window, truncated: (p.vpns as unknown[]).length > vpns.length };
}

/** The rows for the pages found (`got[i]` is the timeline of `ask.vpns[i]`, undefined when the model has none). */
export function timelineResult(ask: TimelineAsk, got: readonly (PageLod | undefined)[], lastTs: number): TimelineResult {
  const timelines: PageLod[] = [];
  const missing: number[] = [];
  got.forEach((t, i) => (t ? timelines.push(t) : missing.push(ask.vpns[i])));
  const w = ask.window ?? lifetimeOf(timelines.map((x) => x.t), lastTs);
  const perRow = Math.max(16, Math.floor(LIMITS.maxPointsTotal / Math.max(1, timelines.length)));
  let reduced = ask.truncated;
  // bands and intervals are shared out like points: a row keeps all of its own unless the answer is crowded
  const rowsN = Math.max(1, timelines.length);
  const share = { bands: Math.max(16, Math.floor(LIMITS.maxBandsTotal / rowsN)), intervals: Math.max(64, Math.floor(LIMITS.maxIntervalsTotal / rowsN)) };
  const rows = timelines.map((lod) => {
    const r = timelineRow(lod.t, w, ask.width, lastTs, perRow, lod.bands, candidates(lod, w), share);
    reduced ||= r.reduced;
    return r.row;
  });
  return { rows, fromTs: w.fromTs, toTs: w.toTs, reduced, missing };
}

/**
 * Page timelines kept for zoom and pan (which ask for the same pages again), least recently used first out,
 * within a page count and a total event count (one busy page can hold 10^5 events).
 */
export class PageLodCache {
  private readonly kept = new Map<string, { lod: PageLod | undefined; events: number }>();
  private events = 0;

  constructor(
    private readonly maxPages: number,
    private readonly maxEvents: number,
  ) {}

  get(as: AddressSpace, vpn: number, build: () => PageLod | undefined): PageLod | undefined {
    const key = pageKey(as, vpn);
    const hit = this.kept.get(key);
    if (hit) {
      this.kept.delete(key);
      this.kept.set(key, hit);
      return hit.lod;
    }
    const lod = build();
    const entry = { lod, events: lod?.t.events.length ?? 0 };
    this.kept.set(key, entry);
    this.events += entry.events;
    // keep at least the page just built, whatever its size
    for (const [k, e] of this.kept) {
      if (this.kept.size <= 1 || (this.kept.size <= this.maxPages && this.events <= this.maxEvents)) break;
      this.kept.delete(k);
      this.events -= e.events;
    }
    return lod;
  }
}
