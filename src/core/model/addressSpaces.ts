/**
 * Which address space (mm) each task works in. The key is the tgid when the trace prints it; otherwise the
 * pid, merged with every other pid that shows the same `mm=` pointer (threads of one process share an mm;
 * plain ftrace has no tgid column unless `options/record-tgid` is set). A fork creates a new mm: the child's
 * pages are its own, copied from the parent's at the fork (copy_page_range), so the child is never merged
 * with the parent unless they later show the same mm pointer (CLONE_VM threads).
 */

import type { AddressSpace } from './types';
import type { EventStore } from './store';

export class AddressSpaces {
  private readonly parent = new Map<number, number>();
  private readonly firstSeen = new Map<number, number>();
  private readonly tgidOf = new Map<number, number>();
  private readonly mmOwner = new Map<string, number>();
  /** child pid → { parent pid, fork event id } */
  readonly forks: { parentPid: number; childPid: number; eventId: number }[] = [];
  private readonly resolved = new Map<number, AddressSpace>();
  /** fork child → parent, for forks proven to copy the address space (copy_page_range ran in the parent). */
  private readonly processChild = new Map<number, number>();

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
    }
  }

  private union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // the task seen first (usually the main thread) names the group
    if ((this.firstSeen.get(ra) ?? 0) <= (this.firstSeen.get(rb) ?? 0)) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }

  /** Would merging these two groups join a process-fork child with its parent? */
  private forbidden(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    for (const [child, parent] of this.processChild) {
      const rc = this.find(child);
      const rp = this.find(parent);
      if ((rc === ra && rp === rb) || (rc === rb && rp === ra)) return true;
    }
    return false;
  }

  static build(store: EventStore, copyPageRangeKind: number): AddressSpaces {
    const s = new AddressSpaces();
    const n = store.count;
    // copy_page_range runs in the parent only when fork duplicates the mm (never for CLONE_VM threads)
    const copiedSinceFork = new Set<number>();
    for (let id = 0; id < n; id++) {
      if (store.kind.get(id) === copyPageRangeKind) copiedSinceFork.add(store.pid.get(id));
      const pid = store.pid.get(id);
      if (pid <= 0) continue;
      s.see(pid, id);
      const tgid = store.tgid.get(id);
      if (tgid > 0 && tgid !== pid) {
        s.see(tgid, id);
        s.union(tgid, pid);
        s.tgidOf.set(pid, tgid);
      } else if (tgid > 0) {
        s.tgidOf.set(pid, tgid);
      }
      const x = store.extra(id);
      const mm = store.str(store.mm, id);
      // Only invalidations a task issues on its own mm name it: MIGRATE (migrate_vma_collect on the vma the
      // caller passed), UNMAP and PROTECTION_VMA (munmap/exit/mprotect). CLEARs come from rmap walks
      // (try_to_migrate_one visits every mm mapping a shared page) and splits, so they prove nothing.
      const ev = store.notifier.get(id);
      if (mm && mm !== '0x0' && (ev === 0 || ev === 2 || ev === 6) && x?.stackOrigin?.origin !== 'try_to_migrate_one') {
        const owner = s.mmOwner.get(mm);
        if (owner === undefined) s.mmOwner.set(mm, pid);
        else if (!s.forbidden(owner, pid)) s.union(owner, pid);
      }
      if (x?.childPid !== undefined && x.childPid > 0) {
        const parentPid = x.taskPid ?? pid;
        s.see(x.childPid, id);
        s.forks.push({ parentPid, childPid: x.childPid, eventId: id });
        if (copiedSinceFork.has(pid)) s.processChild.set(x.childPid, parentPid);
        copiedSinceFork.delete(pid);
      }
    }
    return s;
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
