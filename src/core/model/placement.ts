/**
 * Pass A over the stored events: put every event where the page queries will find it. Page-granular events
 * (migration PTEs, swap faults, migrate_to_ram, device-exclusive conversions, waits) create their page and
 * are listed on it; range events go once into the address space's interval index; migrate_vma windows and
 * make_device_exclusive ranges create the pages they name; a fork gives the child its own copy of every page
 * the parent had at that moment. CPU faults (page_fault_user) are indexed but create no page: user programs
 * fault on thousands of ordinary pages that have nothing to do with HMM.
 */

import type { AddressSpaces } from './addressSpaces';
import type { EventStore } from './store';
import { type AddressSpacePages, MAX_WINDOW_PAGES, type PageTable, endVpn, vpnOf } from './pages';
import { DOMAIN_KINDS, KIND_INDEX } from './kinds';
import type { DomainKind } from './types';

const k = (x: DomainKind) => KIND_INDEX.get(x)!;

/** Kinds whose `addr` names one page that then exists in the model. */
const PAGE_NAMES = new Set<DomainKind>(['migration-pte-set', 'migration-pte-remove', 'migration-pmd-set', 'migration-pmd-remove', 'swap-fault', 'migrate-to-ram', 'exclusive-one', 'exclusive-restore', 'exclusive-make', 'migration-wait', 'thp-split', 'device-fault', 'sched-block', 'page-ref']);
/** Kinds whose range creates pages (the kernel is about to work on each page of it). */
const WINDOW_NAMES = new Set<DomainKind>(['migrate-setup', 'exclusive-make']);
/** The two sets by kind index: one array read per event instead of a set lookup. */
const PAGE_KINDS = Uint8Array.from(DOMAIN_KINDS, (kind) => (PAGE_NAMES.has(kind) ? 1 : 0));
const WINDOW_KINDS = Uint8Array.from(DOMAIN_KINDS, (kind) => (WINDOW_NAMES.has(kind) ? 1 : 0));
const CPU_FAULT = k('cpu-fault');
const FORK = k('process-fork');

export function placeEvents(store: EventStore, spaces: AddressSpaces, pages: PageTable): void {
  const forkAt = new Map<number, { parent: ReturnType<AddressSpaces['of']>; child: ReturnType<AddressSpaces['of']> }>();
  for (const f of spaces.processForks()) forkAt.set(f.eventId, { parent: f.parent, child: f.child });
  const n = store.count;
  // events come in runs of one task: the last task's address space is looked up once per run (a compare of
  // task ids: the pid is read only when the task changes)
  let lastTask = -1;
  let space: AddressSpacePages | undefined;
  // the rare paths (forks, windows) are functions of their own: a small loop body lets the compiler inline
  // the column reads and page calls it makes per event, whose addresses (doubles) it then passes unboxed
  // (at 256 MiB the loop allocated ~45 MB of boxed addresses)
  for (let id = 0; id < n; id++) {
    const kind = store.kindOfType(store.typeAt(id));
    const a = store.a.get(id);
    if (Number.isNaN(a)) {
      if (kind === FORK) copyOnFork(pages, forkAt.get(id));
      continue;
    }
    const task = store.taskAt(id);
    if (task !== lastTask || !space) {
      lastTask = task;
      space = pages.space(spaces.of(store.pidOfTask(task)));
    }
    const b = store.b.endAt(id, a);
    if (Number.isNaN(b)) {
      const vpn = vpnOf(a);
      if (kind === CPU_FAULT) space.ranges.add(vpn, vpn + 1, id);
      else if (PAGE_KINDS[kind] === 1) pages.addEvent(space.ensure(vpn), id);
      continue;
    }
    // vpnRange(a, b) without its array (320k ranges at 256 MiB)
    const s = vpnOf(a);
    const e = endVpn(s, b);
    space.ranges.add(s, e, id);
    if (WINDOW_KINDS[kind] === 1) makeWindow(space, s, e);
  }
}

/** A fork gives the child its own copy of every page the parent has at that moment. */
function copyOnFork(pages: PageTable, f: { parent: ReturnType<AddressSpaces['of']>; child: ReturnType<AddressSpaces['of']> } | undefined): void {
  if (!f) return;
  const parent = pages.space(f.parent);
  const child = pages.space(f.child);
  for (const vpn of parent.vpns()) child.ensure(vpn);
}

/** The pages of a migrate_vma window or exclusive range [s, e) (its first MAX_WINDOW_PAGES). */
function makeWindow(space: AddressSpacePages, s: number, e: number): void {
  const last = Math.min(e, s + MAX_WINDOW_PAGES);
  for (let v = s; v < last; v++) space.ensure(v);
}
