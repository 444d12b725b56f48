/**
 * Call spans rebuilt from entry/return pairs per task: kprobe + kretprobe on the same function, fprobe entry
 * + exit, function_graph `func() {` + `}` (and `func();` leaves). Each task has its own stack, so nesting
 * works (a CLEAR inside a MIGRATE inside migrate_vma_setup inside a fault). Only functions that have a return
 * event somewhere in the trace open spans: a kprobe without its kretprobe would otherwise never close.
 * A return pops every span above its matching entry (their returns were lost, e.g. kretprobe maxactive).
 */

import type { CallSpan } from './types';
import { f64, i32, u32 } from './columns';
import type { EventStore } from './store';

export class SpanTable {
  readonly pid = i32();
  readonly func = u32();
  readonly depth = i32();
  readonly parent = i32(-1);
  readonly entryId = i32();
  readonly exitId = i32(-1);
  readonly startTs = f64();
  readonly endTs = f64(NaN);
  readonly ret = f64(NaN);

  get count(): number {
    return this.pid.size;
  }

  private open(store: EventStore, id: number, parent: number, depth: number): number {
    const s = this.pid.size;
    this.pid.push(store.pid.get(id));
    this.func.push(store.func.get(id));
    this.depth.push(depth);
    this.parent.push(parent);
    this.entryId.push(id);
    this.exitId.push(-1);
    this.startTs.push(store.ts.get(id));
    this.endTs.push(NaN);
    this.ret.push(NaN);
    return s;
  }

  static build(store: EventStore, returning: Set<number>): SpanTable {
    const t = new SpanTable();
    const stacks = new Map<number, number[]>();
    const n = store.count;
    for (let id = 0; id < n; id++) {
      const flag = store.callFlag.get(id);
      const pid = store.pid.get(id);
      let stack = stacks.get(pid);
      const top = stack && stack.length > 0 ? stack[stack.length - 1] : -1;
      const func = store.func.get(id);
      if (flag === 3 && func !== 0) {
        // function_graph leaf: entry and return on one line
        const s = t.open(store, id, top, stack ? stack.length : 0);
        const dur = store.extra(id)?.durationNs;
        t.exitId.set(s, id);
        if (dur !== undefined) t.endTs.set(s, store.ts.get(id) + dur);
        store.span.set(id, s);
        continue;
      }
      if (flag === 1 && func !== 0 && returning.has(func)) {
        if (!stack) stacks.set(pid, (stack = []));
        const s = t.open(store, id, top, stack.length);
        stack.push(s);
        store.span.set(id, s);
        continue;
      }
      if (flag === 2 && func !== 0 && stack) {
        let k = stack.length - 1;
        while (k >= 0 && t.func.get(stack[k]) !== func) k--;
        if (k >= 0) {
          const s = stack[k];
          t.exitId.set(s, id);
          t.endTs.set(s, store.ts.get(id));
          const r = store.retOf(id);
          if (r !== undefined) t.ret.set(s, r);
          stack.length = k;
          store.span.set(id, s);
          continue;
        }
      }
      store.span.set(id, top);
    }
    return t;
  }

  span(store: EventStore, s: number): CallSpan {
    const end = this.endTs.get(s);
    const ret = this.ret.get(s);
    const parent = this.parent.get(s);
    const exit = this.exitId.get(s);
    return {
      id: s,
      pid: this.pid.get(s),
      func: store.strings.get(this.func.get(s)) ?? '',
      depth: this.depth.get(s),
      parentId: parent < 0 ? undefined : parent,
      entryId: this.entryId.get(s),
      exitId: exit < 0 ? undefined : exit,
      startTs: this.startTs.get(s),
      endTs: Number.isNaN(end) ? undefined : end,
      ret: Number.isNaN(ret) ? undefined : ret,
    };
  }

  /** Function names of the span and its ancestors, innermost first. */
  chain(store: EventStore, s: number): string[] {
    const out: string[] = [];
    for (let c = s; c >= 0 && out.length < 64; c = this.parent.get(c)) {
      const f = store.strings.get(this.func.get(c));
      if (f) out.push(f);
    }
    return out;
  }

  /** Whether any function of chain(store, s) is in `names`, without building the chain. */
  chainHas(store: EventStore, s: number, names: ReadonlySet<string>): boolean {
    let depth = 0;
    for (let c = s; c >= 0 && depth < 64; c = this.parent.get(c)) {
      const f = store.strings.get(this.func.get(c));
      if (!f) continue;
      if (names.has(f)) return true;
      depth++;
    }
    return false;
  }
}
