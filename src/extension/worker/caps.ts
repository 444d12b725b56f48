/** Upper bounds on what one worker answer carries, so a million-event trace never floods the host. */
export const CAPS = {
  eventsInWindow: 20000,
  eventsAtLine: 64,
  pages: 5000,
  aggregateBuckets: 4000,
  /** Per-page timeline events (range events resolved per page can be many on a busy page). */
  timelineEvents: 20000,
  records: 100000,
  markers: 20000,
  findings: 20000,
  /** pagesOfEvent: a 1 GiB invalidation names 262144 pages; the views show a handful. */
  pagesOfEvent: 4096,
} as const;

export function clampInt(v: unknown, lo: number, hi: number, dflt: number): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : dflt;
  return Math.min(hi, Math.max(lo, n));
}
