/**
 * Call spans rebuilt from entry/return pairs per task: kprobe + kretprobe on the same function, fprobe entry
 * + exit, function_graph `func() {` + `}` (and `func();` leaves). Each task has its own stack, so nesting
 * works (a CLEAR inside a MIGRATE inside migrate_vma_setup inside a fault). Only functions that have a return
 * event somewhere in the trace open spans: a kprobe without its kretprobe would otherwise never close.
 * A return pops every span above its matching entry (their returns were lost, e.g. kretprobe maxactive).
 */

import type { CallSpan } from './types';
import { nearZero, small, sparseIds, spanEntries } from './columns';
import type { EventStore, ReadColumn } from './store';
import { PackedWriter } from './packedColumn';

/** A task's open spans, innermost last: each one's span id, function and entry event. */
interface OpenSpans {
  spans: number[];
  funcs: number[];
  entries: number[];
}

/**
 * A span keeps only what its events do not already hold (~7 bytes instead of the 48 of nine columns): its
 * task, function and start time are those of its entry event, its end the time of its exit event (a leaf's:
 * entry time + duration) and its return value the exit event's. Entry ids grow with the span id (~4 events
 * apart in the bench trace) and an exit mostly comes a few hundred events after its entry (at most 1134 at
 * 1 GiB): 2 bytes each instead of 4 as int32 (1.43 M spans at 1 GiB: 11.4 -> 5.8 MB).
 */
export class SpanTable {
  readonly entryId = spanEntries();
  /** Exit event - entry event (0 for a function_graph leaf), -1 while open. */
  private readonly exitGap = nearZero(-1);
  /** The return event; the entry itself for a function_graph leaf; -1 while open. */
  readonly exitId: ReadColumn = {
    get: (s) => {
      const d = this.exitGap.get(s);
      return d < 0 ? -1 : this.entryId.get(s) + d;
    },
  };
  readonly parent = sparseIds();
  readonly depth = small();

  get count(): number {
    return this.entryId.size;
  }

  /** A new span entered at event `id`; `gap` its exit's distance when known (a leaf: 0), else -1 (SpanScan). */
  open(id: number, parent: number, depth: number, parents: PackedWriter, gap: number): number {
    const s = this.entryId.size;
    this.entryId.push(id);
    this.exitGap.push(gap);
    parents.push(parent);
    this.depth.push(depth);
    return s;
  }

  /** Span `s` returned `gap` events after its entry (SpanScan). */
  close(s: number, gap: number): void {
    this.exitGap.set(s, gap);
  }

  /** The spans of every event of `store` (build.ts runs SpanScan itself, reading task and type ids). */
  static build(store: EventStore, returning: Set<number>): SpanTable {
    const scan = new SpanScan(store, returning);
    for (let id = 0; id < store.count; id++) scan.event(id, store.pid.get(id), store.callFlag.get(id));
    return scan.finish();
  }

  /** End time: the exit event's, a leaf's entry time + duration; NaN while open or for a leaf without one. */
  endTs(store: EventStore, s: number): number {
    const exit = this.exitId.get(s);
    if (exit < 0) return NaN;
    if (exit !== this.entryId.get(s)) return store.ts.get(exit);
    const dur = store.extra(exit)?.durationNs;
    return dur === undefined ? NaN : store.ts.get(exit) + dur;
  }

  span(store: EventStore, s: number): CallSpan {
    const end = this.endTs(store, s);
    const parent = this.parent.get(s);
    const entry = this.entryId.get(s);
    const exit = this.exitId.get(s);
    const ret = exit < 0 || exit === entry ? undefined : store.retOf(exit);
    return {
      id: s,
      pid: store.pid.get(entry),
      func: store.funcOf(entry) ?? '',
      depth: this.depth.get(s),
      parentId: parent < 0 ? undefined : parent,
      entryId: entry,
      exitId: exit < 0 ? undefined : exit,
      startTs: store.ts.get(entry),
      endTs: Number.isNaN(end) ? undefined : end,
      ret: ret === undefined || Number.isNaN(ret) ? undefined : ret,
    };
  }

  /** Function names of the span and its ancestors, innermost first. */
  chain(store: EventStore, s: number): string[] {
    const out: string[] = [];
    for (let c = s; c >= 0 && out.length < 64; c = this.parent.get(c)) {
      const f = store.funcOf(this.entryId.get(c));
      if (f) out.push(f);
    }
    return out;
  }

  /** Whether any function of chain(store, s) is in `names`, without building the chain. */
  chainHas(store: EventStore, s: number, names: ReadonlySet<string>): boolean {
    let depth = 0;
    for (let c = s; c >= 0 && depth < 64; c = this.parent.get(c)) {
      const f = store.funcOf(this.entryId.get(c));
      if (!f) continue;
      if (names.has(f)) return true;
      depth++;
    }
    return false;
  }
}

/**
 * SpanTable.build's pass, one event at a time in id order: build.ts feeds it the pid and call flag from the
 * event's task and type ids (a task's pid read once per run of its events).
 */
export class SpanScan {
  readonly table = new SpanTable();
  // span parents and each event's innermost span jump below a chunk's first value (the old span of a long
  // call): both are stored a chunk at a time, each chunk encoded once (PackedWriter)
  private readonly parents = new PackedWriter(this.table.parent);
  private readonly spanOf = sparseIds();
  private readonly spans = new PackedWriter(this.spanOf);
  /** Per task: the open spans, their functions and entry events (a return's gap without reading the entry back). */
  private readonly stacks = new Map<number, OpenSpans>();
  /**
   * The returning functions by interned id: one array read per entry event instead of a Set lookup (2.8 M
   * entries at 1 GiB).
   */
  private readonly opens: Uint8Array;
  private readonly highest: number;
  /** Events come in runs of one task: its stack is looked up once per run, not once per event. */
  private lastPid = NaN;
  private stack: OpenSpans | undefined = undefined;

  constructor(
    private readonly store: EventStore,
    returning: Set<number>,
  ) {
    let highest = 0;
    for (const f of returning) highest = Math.max(highest, f);
    this.highest = highest;
    this.opens = new Uint8Array(highest + 1);
    for (const f of returning) this.opens[f] = 1;
  }

  /** Event `id` of task `pid` with call flag `flag` (store.callFlag). */
  event(id: number, pid: number, flag: number): void {
    const t = this.table;
    const spans = this.spans;
    let stack = this.stack;
    if (pid !== this.lastPid) {
      this.lastPid = pid;
      this.stack = stack = this.stacks.get(pid);
    }
    const depth = stack ? stack.spans.length : 0;
    const top = depth > 0 ? stack!.spans[depth - 1] : -1;
    const func = flag === 0 ? 0 : this.store.func.get(id);
    if (flag === 3 && func !== 0) {
      // function_graph leaf: entry and return on one line
      spans.push(t.open(id, top, depth, this.parents, 0));
      return;
    }
    if (flag === 1 && func !== 0 && func <= this.highest && this.opens[func] === 1) {
      if (!stack) this.stacks.set(pid, (this.stack = stack = { spans: [], funcs: [], entries: [] }));
      const s = t.open(id, top, depth, this.parents, -1);
      stack.spans.push(s);
      stack.funcs.push(func);
      stack.entries.push(id);
      spans.push(s);
      return;
    }
    if (flag === 2 && func !== 0 && stack) {
      let k = depth - 1;
      while (k >= 0 && stack.funcs[k] !== func) k--;
      if (k >= 0) {
        const s = stack.spans[k];
        t.close(s, id - stack.entries[k]);
        // pops, not `length = k`: setting an array's length is a runtime call (~25 ns a return at 256 MiB)
        for (let d = depth; d > k; d--) {
          stack.spans.pop();
          stack.funcs.pop();
          stack.entries.pop();
        }
        spans.push(s);
        return;
      }
    }
    spans.push(top);
  }

  /** The table, once every event was seen; the events' span column goes to the store. */
  finish(): SpanTable {
    this.parents.flush();
    this.spans.flush();
    this.store.setSpans(this.spanOf);
    return this.table;
  }
}
