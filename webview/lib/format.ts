/**
 * Text formatting for the views: timestamps as ftrace prints them, durations, counts, and page states
 * and event kinds in words. Pure (unit-tested under test/unit/webview).
 */

import type { DomainKind, PageState } from '../../src/core/model/types';

/** `1234.567890123` seconds from integer nanoseconds, as the trace prints them (ns precision). */
export function formatTs(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  const neg = ns < 0;
  const abs = Math.abs(Math.round(ns));
  const secs = Math.floor(abs / 1e9);
  const frac = abs - secs * 1e9;
  return `${neg ? '-' : ''}${secs}.${String(frac).padStart(9, '0')}`;
}

/** A duration in the largest unit that keeps it readable: `850 ns`, `12.3 µs`, `4.56 ms`, `1.20 s`. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

/** `12,345` with thin grouping that reads the same in every locale. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The states in words, as the CLI and the editor say them (one table, in the core). */
export { STATE_WORDS } from '../../src/core/model/kinds';

export const STATES: PageState[] = [
  'system',
  'migrating-to-device',
  'device-private',
  'migrating-to-system',
  'device-exclusive',
  'unmapped',
  'unknown',
];

/** Event families: the point styles and legend groups of the page timeline. */
export type KindFamily = 'invalidation' | 'fault' | 'migration' | 'exclusive' | 'thp' | 'wait' | 'marker' | 'other';

export function familyOf(kind: DomainKind): KindFamily {
  if (kind.startsWith('invalidate') || kind.startsWith('driver-invalidate') || kind === 'tlb-flush') return 'invalidation';
  if (kind.endsWith('fault') || kind.startsWith('swap-fault') || kind.startsWith('hmm-range-fault') || kind.startsWith('migrate-to-ram')) return 'fault';
  // migration_entry_wait is a wait on a migration PTE, not a migration step
  if (kind === 'migration-wait' || kind === 'sched-block' || kind === 'page-ref') return 'wait';
  if (kind.startsWith('migrat') || kind.startsWith('move-mapping') || kind === 'remove-migration-ptes' || kind === 'try-to-migrate' || kind === 'device-free') return 'migration';
  if (kind.startsWith('exclusive')) return 'exclusive';
  if (kind.startsWith('thp-split')) return 'thp';
  if (kind === 'marker') return 'marker';
  return 'other';
}

export const FAMILY_WORDS: Record<KindFamily, string> = {
  invalidation: 'invalidations',
  fault: 'faults',
  migration: 'migration steps',
  exclusive: 'device-exclusive',
  thp: 'THP splits',
  wait: 'waits',
  marker: 'markers',
  other: 'other events',
};

/** `key=value` pairs of an event's raw fields, one per entry, for the details pane. */
export function fieldPairs(fields: Record<string, string>): [string, string][] {
  return Object.entries(fields).slice(0, 64);
}

/** Clamps a window into [min, max] keeping its width when possible. */
export function clampWindow(from: number, to: number, min: number, max: number): [number, number] {
  const width = Math.min(Math.max(1, to - from), Math.max(1, max - min));
  let a = Math.max(min, from);
  let b = a + width;
  if (b > max) {
    b = max;
    a = Math.max(min, b - width);
  }
  return [a, b];
}
