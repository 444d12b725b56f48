/**
 * Level of detail for the page timeline: turns a page's full timeline into what a chart of `width` pixels
 * can show: intervals and bands clipped to the window, and event points merged per pixel column and kind
 * once there are more than a few per pixel. Pure (no vscode), unit-tested.
 *
 * Bands come from the page's own events: an mmu_notifier invalidation is bracketed by
 * invalidate_range_start/_end on the same task (they nest: a migration's MIGRATE start may enclose a
 * driver's own invalidation), and a migrate_vma window runs from migrate_vma_setup to
 * migrate_vma_finalize on the same task. An opener whose closer was not captured yields a band that
 * ends at the opener (drawn as a thin line) so it is still visible and clickable.
 */

import type { DomainKind, PageTimeline, StateInterval, TimelineEvent } from '../../core/model/types';
import { LIMITS, type Band, type EventPoint, type TimeWindow, type TimelineRow } from '../../protocol';

const OPENS: Partial<Record<DomainKind, { band: Band['kind']; closer: DomainKind }>> = {
  'invalidate-start': { band: 'invalidation', closer: 'invalidate-end' },
  'migrate-setup': { band: 'migration', closer: 'migrate-finalize' },
};

/** Migration windows and invalidation spans among a page's events (sorted by ts). */
export function bandsOf(events: readonly TimelineEvent[]): Band[] {
  const bands: Band[] = [];
  // per (band kind, pid): stack of open bands, because invalidations nest within a task
  const open = new Map<string, Band[]>();
  const closers = new Map<DomainKind, Band['kind']>();
  for (const o of Object.values(OPENS)) if (o) closers.set(o.closer, o.band);
  for (const e of events) {
    const opener = OPENS[e.kind];
    if (opener) {
      const b: Band = { kind: opener.band, fromTs: e.ts, toTs: e.ts, id: e.id, line: e.line, label: e.summary };
      const key = `${opener.band}:${e.pid}`;
      const stack = open.get(key) ?? [];
      stack.push(b);
      open.set(key, stack);
      bands.push(b);
      continue;
    }
    const closes = closers.get(e.kind);
    if (closes) {
      const b = open.get(`${closes}:${e.pid}`)?.pop();
      if (b) b.toTs = e.ts;
    }
  }
  return bands;
}

function overlaps(from: number, to: number, w: TimeWindow): boolean {
  return to >= w.fromTs && from <= w.toTs;
}

/** Intervals overlapping the window (open-ended ones end at `lastTs`). */
export function clipIntervals(intervals: readonly StateInterval[], w: TimeWindow, lastTs: number): StateInterval[] {
  return intervals.filter((i) => overlaps(i.fromTs, i.toTs ?? lastTs, w));
}

/**
 * A point for one event, its fields read one by one: a model's timeline events compute `summary` when read
 * (a prototype getter), which a spread would not copy.
 */
function pointOf(e: TimelineEvent): EventPoint {
  return { id: e.id, line: e.line, ts: e.ts, kind: e.kind, summary: e.summary, pid: e.pid, comm: e.comm, count: 1 };
}

/**
 * Event points for a window: all of them when they fit (`<= 2 per pixel` and under the cap), else one
 * point per (pixel column, kind) carrying the first event's id and line and the merged count.
 */
export function reducePoints(events: readonly TimelineEvent[], w: TimeWindow, width: number, cap: number): EventPoint[] {
  const px = Math.max(1, Math.floor(width));
  const budget = Math.min(cap, px * 2);
  let inWindow = 0;
  for (const e of events) if (e.ts >= w.fromTs && e.ts <= w.toTs) inWindow++;
  const out: EventPoint[] = [];
  if (inWindow <= budget) {
    for (const e of events) if (e.ts >= w.fromTs && e.ts <= w.toTs) out.push(pointOf(e));
    return out;
  }
  const span = Math.max(1, w.toTs - w.fromTs);
  // one point per (pixel column, kind): numeric keys, the kind numbered in order of appearance
  const kindNo = new Map<DomainKind, number>();
  const merged = new Map<number, EventPoint>();
  for (const e of events) {
    if (e.ts < w.fromTs || e.ts > w.toTs) continue;
    let k = kindNo.get(e.kind);
    if (k === undefined) {
      k = kindNo.size;
      kindNo.set(e.kind, k);
    }
    const col = Math.min(px - 1, Math.floor(((e.ts - w.fromTs) / span) * px));
    const key = col * 256 + k;
    const p = merged.get(key);
    if (p) {
      p.count++;
      continue;
    }
    if (out.length >= cap) continue;
    const point = pointOf(e);
    merged.set(key, point);
    out.push(point);
  }
  for (const p of out) if (p.count > 1) p.summary = `${p.count} × ${p.kind} from ${p.summary}`;
  return out;
}

/**
 * Intervals for `width` pixels: an interval at least a pixel wide is kept as it is; a run of narrower
 * ones inside one pixel column becomes one interval with the state that lasted longest in that column
 * (a page flapping between RAM and device thousands of times shows as its dominant state per pixel; the
 * exact sequence is one zoom away).
 */
export function mergeIntervals(intervals: readonly StateInterval[], w: TimeWindow, width: number, lastTs: number): StateInterval[] {
  const px = Math.max(1, Math.floor(width));
  const nsPerPx = Math.max(1, (w.toTs - w.fromTs) / px);
  const out: StateInterval[] = [];
  let col = -1;
  let pending: { from: number; to: number; first: StateInterval; dur: Map<StateInterval['state'], number> } | undefined;
  const flush = () => {
    if (!pending) return;
    let best = pending.first.state;
    let bestDur = -1;
    for (const [st, d] of pending.dur) if (d > bestDur) [best, bestDur] = [st, d];
    out.push({ ...pending.first, state: best, fromTs: pending.from, toTs: pending.to });
    pending = undefined;
  };
  for (const iv of intervals) {
    const to = iv.toTs ?? lastTs;
    if (to - iv.fromTs >= nsPerPx) {
      flush();
      out.push(iv);
      continue;
    }
    const c = Math.floor((iv.fromTs - w.fromTs) / nsPerPx);
    if (c !== col) flush();
    col = c;
    pending ??= { from: iv.fromTs, to, first: iv, dur: new Map() };
    pending.to = to;
    pending.dur.set(iv.state, (pending.dur.get(iv.state) ?? 0) + (to - iv.fromTs));
  }
  flush();
  return out;
}

/** Bands for `width` pixels: bands of one kind closer than a pixel are drawn as one (label says how many). */
export function mergeBands(bands: readonly Band[], w: TimeWindow, width: number): Band[] {
  const nsPerPx = Math.max(1, (w.toTs - w.fromTs) / Math.max(1, Math.floor(width)));
  const out: Band[] = [];
  const last = new Map<Band['kind'], { band: Band; n: number }>();
  for (const b of [...bands].sort((x, y) => x.fromTs - y.fromTs)) {
    const prev = last.get(b.kind);
    if (prev && b.fromTs <= prev.band.toTs + nsPerPx) {
      prev.band.toTs = Math.max(prev.band.toTs, b.toTs);
      prev.n++;
      prev.band.label = `${prev.n} ${b.kind === 'migration' ? 'migration windows' : 'invalidation spans'} from line ${prev.band.line}`;
      continue;
    }
    const copy = { ...b };
    out.push(copy);
    last.set(b.kind, { band: copy, n: 1 });
  }
  return out;
}

/** The lifetime of a set of timelines: first interval/event to last. */
export function lifetimeOf(timelines: readonly PageTimeline[], lastTs: number): TimeWindow {
  let from = Infinity;
  let to = -Infinity;
  for (const t of timelines) {
    for (const i of t.intervals) {
      from = Math.min(from, i.fromTs);
      to = Math.max(to, i.toTs ?? i.fromTs);
    }
    for (const e of t.events) {
      from = Math.min(from, e.ts);
      to = Math.max(to, e.ts);
    }
  }
  if (!Number.isFinite(from)) return { fromTs: 0, toTs: lastTs };
  return { fromTs: from, toTs: Math.max(to, from + 1) };
}

/** One chart row for a page in a window, sized for `width` pixels and `cap` points. */
export function timelineRow(
  t: PageTimeline,
  w: TimeWindow,
  width: number,
  lastTs: number,
  cap: number,
  bands: readonly Band[] = bandsOf(t.events),
  /** The page's events that may lie in the window (all of them, or a time-sorted page's window found by search). */
  candidates: readonly TimelineEvent[] = t.events,
  /** This row's share of the answer's bands and intervals (many busy rows in one answer each get less). */
  share: { bands: number; intervals: number } = { bands: LIMITS.maxBandsPerRow, intervals: Infinity },
): { row: TimelineRow; reduced: boolean } {
  const points = reducePoints(candidates, w, width, Math.min(cap, LIMITS.maxPointsPerRow));
  let eventsInWindow = 0;
  for (const e of candidates) if (e.ts >= w.fromTs && e.ts <= w.toTs) eventsInWindow++;
  const allBands = bands.filter((b) => overlaps(b.fromTs, b.toTs, w));
  const shownBands = mergeBands(allBands, w, width).slice(0, Math.min(LIMITS.maxBandsPerRow, share.bands));
  const clipped = clipIntervals(t.intervals, w, lastTs);
  let intervals = mergeIntervals(clipped, w, width, lastTs);
  // a page flapping all through the window: merge per wider columns until the row fits its share
  if (intervals.length > share.intervals) intervals = mergeIntervals(clipped, w, Math.max(16, Math.floor(share.intervals / 2)), lastTs);
  const row: TimelineRow = {
    as: t.as,
    vpn: t.vpn,
    page: t.page,
    intervals,
    points,
    bands: shownBands,
    eventsInWindow,
  };
  return { row, reduced: points.length < eventsInWindow || shownBands.length < allBands.length || intervals.length < clipped.length };
}
