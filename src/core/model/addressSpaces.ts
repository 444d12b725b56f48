/**
 * Which address space (mm) each task works in. The key is the tgid when the trace prints it; otherwise the
 * pid, merged with every other pid that shows the same `mm=` pointer (threads of one process share an mm;
 * plain ftrace has no tgid column unless `options/record-tgid` is set). A fork creates a new mm: the child's
 * pages are its own, copied from the parent's at the fork (copy_page_range), so the child is never merged
 * with the parent unless they later show the same mm pointer (CLONE_VM threads).
 */

import type { AddressSpace } from './types';
import type { EventStore } from './store';
import { KIND_INDEX } from './kinds';

const FORK = KIND_INDEX.get('process-fork')!;

export class AddressSpaces {
  private readonly parent = new Map<number, number>();
  private readonly firstSeen = new Map<number, number>();
  private readonly tgidOf = new Map<number, number>();
  private readonly mmOwner = new Map<string, number>();
  /** child pid → { parent pid, fork event id } */
  readonly forks: { parentPid: number; childPid: number; eventId: number }[] = [];
  private readonly resolved = new Map<number, AddressSpace>();
  /**
   * Fork child ↔ parent, both ways, for forks proven to copy the address space (copy_page_range ran in the
   * parent): such a pair must never be merged.
   */
  private readonly processRelatives = new Map<number, number[]>();
  /** The pids of each group, by root (so a merge check looks at its own members, not at every fork of the trace). */
  private readonly members = new Map<number, number[]>();
  /** Live tasks that named each mm pointer: when the last one exits, the kernel frees the mm and may reuse its address. */
  private readonly mmLive = new Map<string, Set<number>>();
  private readonly mmOfPid = new Map<number, string>();

  private find(p: number): number {
    let r = p;
    while (this.parent.has(r) && this.parent.get(r) !== r) r = this.parent.get(r)!;
    // path compression
    let c = p;
    while (c !== r) {
      const n = this.parent.get(c)!;
      this.parent.set(c, r);
      c = n;
    }
    return r;
  }

  private see(pid: number, order: number): void {
    if (!this.firstSeen.has(pid)) {
      this.firstSeen.set(pid, order);
      this.parent.set(pid, pid);
      this.members.set(pid, [pid]);
    }
  }

  private union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // the task seen first (usually the main thread) names the group
    const [root, other] = (this.firstSeen.get(ra) ?? 0) <= (this.firstSeen.get(rb) ?? 0) ? [ra, rb] : [rb, ra];
    this.parent.set(other, root);
    const into = this.members.get(root)!;
    for (const m of this.members.get(other)!) into.push(m);
    this.members.delete(other);
  }

  /** Would merging these two groups join a process-fork child with its parent? */
  private forbidden(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    const ma = this.members.get(ra) ?? [ra];
    const mb = this.members.get(rb) ?? [rb];
    const [small, other] = ma.length <= mb.length ? [ma, rb] : [mb, ra];
    for (const m of small) {
      for (const r of this.processRelatives.get(m) ?? []) if (this.find(r) === other) return true;
    }
    return false;
  }

  private relate(child: number, parent: number): void {
    for (const [x, y] of [[child, parent], [parent, child]]) {
      const list = this.processRelatives.get(x);
      if (list) list.push(y);
      else this.processRelatives.set(x, [y]);
    }
  }

  /** The task named this mm (namesNew: another than it named last): the first live task to name it owns it; later ones join its group. */
  private nameMm(mm: string, pid: number): void {
    // a task naming another mm than before has exec'd: it no longer keeps the old one alive
    const before = this.mmOfPid.get(pid);
    if (before !== undefined && before !== mm) this.leave(pid, before);
    let live = this.mmLive.get(mm);
    if (!live) this.mmLive.set(mm, (live = new Set()));
    live.add(pid);
    this.mmOfPid.set(pid, mm);
    const owner = this.mmOwner.get(mm);
    if (owner === undefined) this.mmOwner.set(mm, pid);
    else if (!this.forbidden(owner, pid)) this.union(owner, pid);
  }

  /**
   * Whether naming `mm` can change anything for the task: not when it named that very mm last. It is then
   * still live in the mm (so the mm keeps its owner) and was joined to the owner's group then or found
   * forbidden to be; groups only merge and fork relations only grow since, so neither answer changes. Most
   * invalidations name the mm their task named before (the 1 GiB bench: ~0.2 M of them): this skips
   * their extra's object and the union-find's maps.
   */
  private namesNew(mm: string, pid: number): boolean {
    return this.mmOfPid.get(pid) !== mm;
  }

  /**
   * sched_process_exit: the task is gone. Once every task that named an mm has exited, the mm_struct is freed
   * and the slab may hand its address to the next process, so a later task naming it is a new address space.
   * (A thread that never named the mm does not keep it alive here: its own events carry no mm pointer.)
   */
  private exited(pid: number): void {
    const mm = this.mmOfPid.get(pid);
    if (mm !== undefined) this.leave(pid, mm);
  }

  private leave(pid: number, mm: string): void {
    this.mmOfPid.delete(pid);
    const live = this.mmLive.get(mm);
    if (!live) return;
    live.delete(pid);
    if (live.size === 0) {
      this.mmLive.delete(mm);
      this.mmOwner.delete(mm);
    }
  }

  // the pass's state (scan()): copy_page_range runs in the parent only when fork duplicates the mm (never
  // for CLONE_VM threads); events come in runs of one task: its pid and tgid are related once per run
  private readonly copiedSinceFork = new Set<number>();
  private lastPid = NaN;
  private lastTgid = NaN;

  /** An empty map, filled by scan() of every event in id order. */
  constructor(
    private readonly store: EventStore,
    private readonly copyPageRangeKind: number,
    private readonly processExitKind: number,
  ) {}

  /**
   * Event `id`, in id order (its kind, pid and tgid read by the caller: build.ts reads the event's task and
   * type ids once, and a task's pid and tgid once per run of its events).
   */
  scan(id: number, kind: number, pid: number, tgid: number): void {
    const store = this.store;
    if (kind === this.copyPageRangeKind) this.copiedSinceFork.add(pid);
    if (pid <= 0) return;
    if (pid !== this.lastPid || tgid !== this.lastTgid) {
      this.lastPid = pid;
      this.lastTgid = tgid;
      this.see(pid, id);
      if (tgid > 0 && tgid !== pid) {
        this.see(tgid, id);
        this.union(tgid, pid);
        this.tgidOf.set(pid, tgid);
      } else if (tgid > 0) {
        this.tgidOf.set(pid, tgid);
      }
    }
    // Only invalidations a task issues on its own mm name it: MIGRATE (migrate_vma_collect on the vma the
    // caller passed), UNMAP and PROTECTION_VMA (munmap/exit/mprotect). CLEARs come from rmap walks
    // (try_to_migrate_one visits every mm mapping a shared page) and splits, so they prove nothing.
    const ev = store.notifier.get(id);
    const mm = ev === 0 || ev === 2 || ev === 6 ? store.str(store.mm, id) : undefined;
    const namesMm = !!mm && mm !== '0x0' && this.namesNew(mm, pid);
    const exit = kind === this.processExitKind;
    // an extra is rebuilt on every read (PTE rows make a BigInt): read it only for the events that use it
    const x = namesMm || kind === FORK || exit ? store.extra(id) : undefined;
    if (namesMm && x?.stackOrigin?.origin !== 'try_to_migrate_one') this.nameMm(mm!, pid);
    if (x?.childPid !== undefined && x.childPid > 0) {
      const parentPid = x.taskPid ?? pid;
      this.see(x.childPid, id);
      this.forks.push({ parentPid, childPid: x.childPid, eventId: id });
      if (this.copiedSinceFork.has(pid)) this.relate(x.childPid, parentPid);
      this.copiedSinceFork.delete(pid);
    }
    if (exit) this.exited(x?.taskPid ?? pid);
  }

  /** The address space of a task. */
  of(pid: number): AddressSpace {
    const cached = this.resolved.get(pid);
    if (cached !== undefined) return cached;
    let out: AddressSpace;
    if (pid <= 0 || !this.parent.has(pid)) out = pid;
    else {
      const root = this.find(pid);
      out = this.tgidOf.get(root) ?? root;
    }
    this.resolved.set(pid, out);
    return out;
  }

  /** Forks whose child lives in a different address space than the parent (threads excluded). */
  processForks(): { parent: AddressSpace; child: AddressSpace; eventId: number }[] {
    const out: { parent: AddressSpace; child: AddressSpace; eventId: number }[] = [];
    for (const f of this.forks) {
      const p = this.of(f.parentPid);
      const c = this.of(f.childPid);
      if (p !== c) out.push({ parent: p, child: c, eventId: f.eventId });
    }
    return out;
  }
}
