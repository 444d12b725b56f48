/**
 * The replay of the page-granular events that decide a page's state (kernel behaviour in
 * mm/migrate_device.c, mm/migrate.c, mm/rmap.c, mm/memory.c):
 * - remove_migration_pte decides each page: a present PTE means system RAM (restored by the refcount check
 *   inside setup, or migrated back), a device-private swap entry means device-private; it runs for every mm
 *   mapping a shared page (rmap walk), so a repeated remove for one address inside one migration belongs to
 *   a fork relative. Inside a THP split it only remaps subpages: no restore.
 * - a migration PTE set outside a migration on a device page: the device is evicting it.
 * - do_swap_page and migrate_to_ram on a page of unknown state prove where it was.
 * - page_make_device_exclusive_one makes a page device-exclusive; restore_exclusive_pte (the CPU fault on the
 *   exclusive entry) gives it back to the CPU.
 * - a CPU fault maps a page of system RAM unless the page is device-private or device-exclusive.
 * - a fork copies every page's state to the child.
 */

import type { ReplayRun } from './replayRun';
import type { OpenMigration } from './replayContext';
import { S_DEVICE, S_EXCLUSIVE, S_SYSTEM, S_TO_SYSTEM, S_UNKNOWN, S_UNMAPPED } from './kinds';

const THP_SPLIT = new Set(['split_huge_page_to_list', 'split_huge_page_to_list_to_order', '__split_huge_page', 'split_folio_to_list']);

export function onPteRemove(r: ReplayRun, m: OpenMigration | undefined): void {
  const { store, pages, id, page } = r;
  // placement made the page of every migration PTE event that names an address
  if (page < 0) return;
  const vpn = pages.vpnOf(page);
  // A THP split (split_huge_page_to_list inside collect) remaps every subpage through
  // remove_migration_ptes: the page did not move and the migration goes on, so this is no restore.
  const s0 = store.span.get(id);
  if (s0 >= 0 && inThpSplit(r, s0)) {
    if (!(m && m.pending.has(page))) pages.setState(page, S_SYSTEM, id);
    return;
  }
  let target = page;
  if (m && m.removed.has(page)) {
    // the rmap walk restores the entry in every mm that maps the page: the repeat is a relative's
    for (const rel of r.relatives.get(r.as) ?? []) {
      const rp = pages.get(rel, vpn);
      if (rp >= 0 && pages.cur(rp) !== S_SYSTEM) {
        target = rp;
        pages.addEvent(rp, id);
        break;
      }
    }
  }
  const pte = store.pteKindOf(id);
  const next = pte === 'present' ? S_SYSTEM : pte === 'device-private' ? S_DEVICE : pte === 'device-exclusive' ? S_EXCLUSIVE : -1;
  if (m) {
    m.sawPteRemove = true;
    m.removed.add(page);
    if (m.inSetup && pte === 'present') m.rec.restoredInSetup++;
    if (target >= 0) m.pending.delete(target);
    if (m.rec.trigger === 'device-range') r.migrationTable.widen(m.rec.id, vpn);
  }
  if (target >= 0 && next >= 0) pages.setState(target, next, id);
}

/**
 * spans.chainHas(store, s, THP_SPLIT), the enclosing spans' answer kept for the next span under the same
 * parent: each PTE removal has its own remove_migration_ptes span, the migration's call around them is
 * shared (135k removals at 256 MiB, each walking 4-5 spans and looking each name up).
 */
function inThpSplit(r: ReplayRun, s: number): boolean {
  const { store, spans } = r;
  // past 60 levels the chain of 64 names chainHas looks at is not the span's name and its parent's chain
  if (spans.depth.get(s) >= 60) return spans.chainHas(store, s, THP_SPLIT);
  const f = store.funcOf(spans.entryId.get(s));
  if (f && THP_SPLIT.has(f)) return true;
  const parent = spans.parent.get(s);
  if (parent < 0) return false;
  if (parent !== r.thpParent) {
    r.thpParent = parent;
    r.thpParentIn = spans.chainHas(store, parent, THP_SPLIT);
  }
  return r.thpParentIn;
}

export function onPteSet(r: ReplayRun, m: OpenMigration | undefined): void {
  if (r.page >= 0 && !m && r.pages.cur(r.page) === S_DEVICE) r.pages.setState(r.page, S_TO_SYSTEM, r.id);
}

export function onSwapFault(r: ReplayRun): void {
  r.t.inSwapFault++;
  if (r.page < 0 || r.pages.cur(r.page) !== S_UNKNOWN) return;
  const pte = r.store.pteKindOf(r.id);
  if (pte === 'device-private') r.pages.setState(r.page, S_DEVICE, r.id);
  else if (pte === 'device-exclusive') r.pages.setState(r.page, S_EXCLUSIVE, r.id);
}

export function onMigrateToRam(r: ReplayRun): void {
  r.t.inMigrateToRam++;
  if (r.page >= 0 && r.pages.cur(r.page) === S_UNKNOWN) r.pages.setState(r.page, S_DEVICE, r.id);
}

/** The page's state by the event itself (exclusive conversions and restores). */
export function onPageEvent(r: ReplayRun, state: number): void {
  if (r.page >= 0) r.pages.setState(r.page, state, r.id);
}

export function onCpuFault(r: ReplayRun): void {
  if (r.page < 0) return;
  const cur = r.pages.cur(r.page);
  if (cur === S_UNKNOWN || cur === S_UNMAPPED) r.pages.setState(r.page, S_SYSTEM, r.id);
}

/** The child gets every page of the parent in the parent's state (copy_page_range). */
export function onFork(r: ReplayRun): void {
  const f = r.forkAt.get(r.id);
  if (!f) return;
  const parent = r.pages.spaces.get(f.parent);
  const child = r.pages.space(f.child);
  if (!parent) return;
  for (const [vpn, pp] of parent.entries()) {
    if (!r.pages.hasState(pp)) continue;
    r.pages.setState(child.ensure(vpn), r.pages.cur(pp), r.id);
  }
}

/** Pages that no event ever proved a state for still get one interval, so every page has a timeline. */
export function proveUnknownPages(r: ReplayRun): void {
  const { pages } = r;
  const firstEvent = pages.firstEvents();
  for (const sp of pages.spaces.values()) {
    for (const [vpn, p] of sp.entries()) {
      if (pages.hasState(p)) continue;
      const first = firstEvent[p] >= 0 ? firstEvent[p] : sp.ranges.stab(vpn)[0];
      if (first !== undefined) pages.setState(p, S_UNKNOWN, first);
    }
  }
}
