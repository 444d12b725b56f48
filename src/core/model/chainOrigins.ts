/**
 * classifyOrigin (decode/origin.ts) over the chain of call spans around an event, per replay. Invalidations
 * without a stack (a third of the bench's) are classified from their span chain twice: by their start and by
 * the return of __mmu_notifier_invalidate_range_start that names the caller. The chain of the innermost span
 * is its own function then its parent's chain, and the parents (the migration, the syscall, the fault) are
 * shared by many invalidations: the parent chain's answer is kept per parent span, the inner names looked at
 * one by one (~67k invalidations at 1 GiB, each a chain of strings and a classification of every name).
 *
 * The answer for [inner names..., chain(parent)] is the parent chain's when no inner name classifies by
 * itself: classifyOrigin returns at the first name that does, looking only at the names after it.
 */

import { classifyOrigin, type OriginResult } from '../decode/origin';
import type { EventStore } from './store';
import type { SpanTable } from './spans';

/** Past this depth spans.chain() stops at 64 names: the chain is classified whole. */
const MAX_DEPTH = 60;
/**
 * Parent answers kept at most (then all let go): a parent's invalidations come while it runs, close together,
 * and the replay runs when the build's memory peaks (~50k parents at 1 GiB would keep a few MB of answers).
 */
const MAX_KEPT = 4096;

export class ChainOrigins {
  /** classifyOrigin(spans.chain(store, s)) by span, null for none. */
  private readonly bySpan = new Map<number, OriginResult | null>();
  /** Whether a function name classifies by itself (classifyOrigin([name])). */
  private readonly decisive = new Map<string, boolean>();

  constructor(
    private readonly store: EventStore,
    private readonly spans: SpanTable,
  ) {}

  /** classifyOrigin([first, ...spans.chain(store, s)]) (no `first` when undefined); s >= 0. */
  of(s: number, first?: string): OriginResult | undefined {
    const { store, spans } = this;
    if (spans.depth.get(s) >= MAX_DEPTH) return classifyOrigin(first === undefined ? spans.chain(store, s) : [first, ...spans.chain(store, s)]);
    const own = store.funcOf(spans.entryId.get(s));
    if ((first !== undefined && this.decides(first)) || (own && this.decides(own))) {
      return classifyOrigin(first === undefined ? spans.chain(store, s) : [first, ...spans.chain(store, s)]);
    }
    const p = spans.parent.get(s);
    if (p < 0) return undefined;
    let o = this.bySpan.get(p);
    if (o === undefined) {
      if (this.bySpan.size >= MAX_KEPT) this.bySpan.clear();
      this.bySpan.set(p, (o = classifyOrigin(spans.chain(store, p)) ?? null));
    }
    return o ?? undefined;
  }

  private decides(name: string): boolean {
    let d = this.decisive.get(name);
    if (d === undefined) this.decisive.set(name, (d = classifyOrigin([name]) !== undefined));
    return d;
  }
}
