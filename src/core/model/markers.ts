/**
 * The trace's markers (tracing_mark_write: the lines a test program writes to trace_marker to name its steps)
 * as the ids of their events, in file order; a Marker object is made only for a marker asked (types.ts
 * MarkerList). Its line, time, task and text are read from the event store when asked.
 *
 * Why: at 1 GiB the bench has 132k markers; kept as objects they held 12.5 MB of the model's retained heap
 * (8.5 MB of objects, 4 MB of boxed times) where the ids take 0.5 MB outside it.
 *
 * Markers are almost always in time order (file order of one writer); then a window is two binary searches
 * over their times, else one pass over them.
 */

import type { Marker, MarkerList } from './types';
import { lowerBoundBy } from '../sorted';

/** What a marker table reads of its events (the event store in the model). */
export interface MarkerSource {
  tsOf(id: number): number;
  markerOf(id: number): Marker;
}

export class MarkerTable implements MarkerList {
  /** Whether the times ascend (undefined: not looked at yet). */
  private ascending: boolean | undefined;

  constructor(
    private readonly ids: Int32Array,
    private readonly source: MarkerSource,
  ) {}

  get length(): number {
    return this.ids.length;
  }

  at(i: number): Marker | undefined {
    return Number.isInteger(i) && i >= 0 && i < this.ids.length ? this.source.markerOf(this.ids[i]) : undefined;
  }

  slice(from = 0, to = this.ids.length): Marker[] {
    const n = this.ids.length;
    const clamp = (k: number) => (k < 0 ? Math.max(0, n + k) : Math.min(n, k));
    const out: Marker[] = [];
    for (let i = clamp(Math.trunc(from) || 0), end = clamp(Math.trunc(to) || 0); i < end; i++) out.push(this.source.markerOf(this.ids[i]));
    return out;
  }

  inWindow(fromTs: number, toTs: number, cap: number): { total: number; markers: Marker[] } {
    const { ids, source } = this;
    if (this.isAscending()) {
      const tsAt = (i: number) => source.tsOf(ids[i]);
      const begin = lowerBoundBy(ids.length, tsAt, fromTs);
      const end = Math.max(begin, lowerBoundBy(ids.length, tsAt, toTs, true));
      return { total: end - begin, markers: this.slice(begin, Math.min(end, begin + cap)) };
    }
    const markers: Marker[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const ts = source.tsOf(ids[i]);
      if (!(ts >= fromTs && ts <= toTs)) continue;
      if (total++ < cap) markers.push(source.markerOf(ids[i]));
    }
    return { total, markers };
  }

  private isAscending(): boolean {
    if (this.ascending === undefined) {
      const { ids, source } = this;
      let prev = -Infinity;
      this.ascending = true;
      for (let i = 0; i < ids.length && this.ascending; i++) {
        const ts = source.tsOf(ids[i]);
        this.ascending = !(ts < prev);
        prev = ts;
      }
    }
    return this.ascending;
  }
}
