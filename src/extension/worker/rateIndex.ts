/**
 * The rate chart's index, built once when the analysis is held. Events in time order carry a one-byte kind
 * code; every 64th position holds the running count of each kind present (a rank checkpoint). Counting the
 * events of every kind between two timestamps then costs two binary searches on the time column plus at
 * most 63 one-byte steps from a checkpoint, whatever the number of events in between. An aggregate of B
 * buckets is B + 1 such boundaries: well under a millisecond for any window and width on a 1 GiB trace,
 * where walking every event of a wide window costs tens of milliseconds or more.
 *
 * The answer is the model's `aggregate` exactly: the same window ([fromTs, toTs], both ends included), the
 * same floating-point bucket arithmetic (a bucket boundary is found by searching for where the model's own
 * bucket formula changes value, which is monotonic in ts), the same kind order. Memory: 1 byte per event
 * plus 4 bytes per present kind per 64 events (plus a 4-byte permutation when the file is not in time order).
 */

import type { DomainKind, LodAggregate } from '../../core/model/types';

/** The columns the index reads: per event (in id order), its domain-kind number and timestamp. */
export interface KindTimeColumns {
  count: number;
  kind(i: number): number;
  ts(i: number): number;
}

const STEP = 64;

export class KindTimeIndex {
  private readonly n: number;
  /** Timestamp of the i-th event in time order. */
  private readonly tsAt: (i: number) => number;
  /** Kind code of the i-th event in time order (index into `kinds`). */
  private readonly code: Uint8Array;
  /** Domain-kind numbers present, ascending (the model lists kinds in this order). */
  private readonly kinds: number[];
  /** rank[c * K + k]: events of kind code k among the first c * STEP in time order. */
  private readonly rank: Uint32Array;

  constructor(
    cols: KindTimeColumns,
    private readonly kindNames: readonly DomainKind[],
  ) {
    const n = (this.n = cols.count);
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (cols.ts(i) < cols.ts(i - 1)) sorted = false;
    let order: Int32Array | undefined;
    if (!sorted) {
      // merged per-CPU buffers out of order: the model orders by (ts, id) for its windows; so do we
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      const ts = Float64Array.from({ length: n }, (_, i) => cols.ts(i));
      order.sort((a, b) => ts[a] - ts[b] || a - b);
      const byTime = Float64Array.from(order, (id) => ts[id]);
      this.tsAt = (i) => byTime[i];
    } else {
      this.tsAt = cols.ts;
    }
    const present = new Uint8Array(kindNames.length);
    for (let i = 0; i < n; i++) present[cols.kind(i)] = 1;
    this.kinds = [];
    const codeOf = new Int32Array(kindNames.length).fill(-1);
    present.forEach((p, k) => {
      if (p) codeOf[k] = this.kinds.push(k) - 1;
    });
    const K = this.kinds.length;
    this.code = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.code[i] = codeOf[cols.kind(order ? order[i] : i)];
    this.rank = new Uint32Array((Math.floor(n / STEP) + 1) * K);
    const running = new Uint32Array(K);
    for (let i = 0; i < n; i++) {
      if (i % STEP === 0) this.rank.set(running, (i / STEP) * K);
      running[this.code[i]]++;
    }
    if (n % STEP === 0) this.rank.set(running, (n / STEP) * K);
  }

  get bytes(): number {
    return this.code.byteLength + this.rank.byteLength;
  }

  /** Adds to `out` the count of each kind code among the first `p` events in time order. */
  private ranksAt(p: number, out: Float64Array): void {
    const K = this.kinds.length;
    const c = Math.floor(p / STEP);
    for (let k = 0; k < K; k++) out[k] = this.rank[c * K + k];
    for (let i = c * STEP; i < p; i++) out[this.code[i]]++;
  }

  /** First position in [lo, hi) where `past(ts)` holds (it is monotonic: false… then true…). */
  private search(lo: number, hi: number, past: (t: number) => boolean): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (past(this.tsAt(mid))) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Counts per kind per bucket of events with fromTs <= ts <= toTs (TraceModel.aggregate's contract). */
  aggregate(fromTs: number, toTs: number, buckets: number): LodAggregate {
    const nb = Math.max(1, Math.min(100000, Math.floor(buckets)));
    const span = Math.max(1, toTs - fromTs);
    const bucketNs = span / nb;
    const K = this.kinds.length;
    const begin = this.search(0, this.n, (t) => t >= fromTs);
    const end = this.search(begin, this.n, (t) => t > toTs);
    // counts[k][b] = rank_k(boundary b+1) − rank_k(boundary b); boundary b = first event whose bucket is >= b
    const counts: number[][] = [];
    for (let k = 0; k < K; k++) counts.push(new Array<number>(nb).fill(0));
    const prev = new Float64Array(K);
    const next = new Float64Array(K);
    this.ranksAt(begin, prev);
    const startRank = Float64Array.from(prev);
    const bucketOf = (t: number): number => Math.min(nb - 1, Math.floor((t - fromTs) / bucketNs));
    // one step per non-empty bucket: its first event is `at`, its end the first event of a later bucket
    for (let at = begin; at < end; ) {
      const b = bucketOf(this.tsAt(at));
      const stop = b === nb - 1 ? end : this.search(at + 1, end, (t) => bucketOf(t) > b);
      if (stop - at <= STEP) {
        for (let i = at; i < stop; i++) {
          counts[this.code[i]][b]++;
          prev[this.code[i]]++;
        }
      } else {
        this.ranksAt(stop, next);
        for (let k = 0; k < K; k++) {
          counts[k][b] = next[k] - prev[k];
          prev[k] = next[k];
        }
      }
      at = stop;
    }
    const kinds: DomainKind[] = [];
    const out: number[][] = [];
    for (let k = 0; k < K; k++) {
      if (prev[k] - startRank[k] === 0) continue;
      kinds.push(this.kindNames[this.kinds[k]]);
      out.push(counts[k]);
    }
    return { fromTs, toTs, bucketNs, kinds, counts: out, total: end - begin };
  }
}
