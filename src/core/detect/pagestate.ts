/**
 * Where each page was (system RAM or device-private) before a migration, as far as the trace proves it.
 *
 * The refcount rules must tell "the page was not selectable" (already device-private under
 * MIGRATE_VMA_SELECT_SYSTEM, already in RAM under SELECT_DEVICE_PRIVATE) apart from "the page was selectable but
 * an extra reference or a failed trylock dropped it". Selectability depends on the page's state before
 * migrate_vma_setup(), so this tracker replays the migrations' own proof of movement: at migrate_vma_finalize()
 * remove_migration_ptes() installs the new PTE, and the `remove_migration_pte` tracepoint prints it. A present
 * PTE (x86 _PAGE_PRESENT, bit 0) means the page now lives in system RAM; a non-present one is the
 * device-private swap entry. The model's own state is the fallback when the trace has no such line.
 */

import type { AddressSpace, MigrationRecord, PageState, TraceModel } from '../model/types';
import { Facts } from './facts';
import { PageHistory } from './pageHistory';
import { vpnOf } from './util';

export interface MigrationOutcome {
  /** Pages whose migration PTE was replaced by the destination (moved). */
  moved: Set<number>;
  /** Pages restored to their source during the setup window (refcount/mapcount check failed): vpn → event id. */
  restoredInSetup: Map<number, number>;
  /** Pages restored to the source at finalize (move failed, e.g. -EAGAIN): vpn → event id. */
  restoredAtFinalize: Map<number, number>;
  /** remove_migration_pte lines seen for this migration at all (false: the tracepoint was not captured). */
  sawPteEvents: boolean;
}

/** The two states a finalize PTE proves, as stored in a page's history. */
const STATE_CODE = { system: 0, 'device-private': 1 } as const;
const CODE_STATE: readonly PageState[] = ['system', 'device-private'];

const SPLIT_FUNC = /split_huge_page|split_folio|__split_huge_page/;

const NO_SPLITS: readonly [number, number][] = [];

/** Whether ts lies in one of the [from, to] windows. */
function insideAny(windows: readonly [number, number][], ts: number): boolean {
  for (const [a, b] of windows) if (ts >= a && ts <= b) return true;
  return false;
}

export class PageStates {
  /**
   * Proven states of the pages a migration's finalize PTE named (so this grows with migrated pages, not with the
   * trace), in replay order.
   */
  private readonly history: PageHistory;

  /** Migrations with a page restored inside their setup window (the refcount check in migrate_device_unmap failed). */
  private readonly restoredInSetup = new Set<number>();

  constructor(
    private readonly model: TraceModel,
    private readonly facts: Facts,
  ) {
    // a PTE line is a step of one page's history at most: as many steps as lines of the kind, not more
    this.history = new PageHistory(facts.idsOf('migration-pte-remove').length);
    // an indexed loop: run once, a for-of allocates an iterator result per migration (see records.ts)
    const ms = facts.migrations;
    for (let i = 0; i < ms.length; i++) if (this.replay(ms[i], undefined)) this.restoredInSetup.add(ms[i].id);
    this.history.seal();
  }

  /** Whether the migration had pages restored inside its setup window (cheap: remembered from the replay). */
  hadRestoreInSetup(m: MigrationRecord): boolean {
    return this.restoredInSetup.has(m.id);
  }

  /**
   * The migration's outcome per page, replayed on demand (only the refcount rule asks, for the migrations that
   * came up short): keeping a Set and two Maps for every migration of a long capture costs more than replaying.
   */
  outcome(m: MigrationRecord): MigrationOutcome {
    const out: MigrationOutcome = { moved: new Set(), restoredInSetup: new Map(), restoredAtFinalize: new Map(), sawPteEvents: false };
    this.replay(m, out);
    return out;
  }

  /**
   * Classifies the migration's remove_migration_pte events: inside the setup window (before setup returned)
   * they are the restore loop of migrate_device_unmap(); at finalize a PTE pointing at the other side is a move.
   * remove_migration_ptes() runs after migrate_vma_finalize() is entered, so a migration's PTE lines run until
   * the same task starts its next migration (or the trace ends); they are the migrating task's own lines, so
   * only that task's events are read (a window to the end of the trace costs that task's events, not everyone's),
   * from the columns (no object per PTE line).
   */
  private replay(m: MigrationRecord, out: MigrationOutcome | undefined): boolean {
    // without `out` this is the constructor's pass: page histories are recorded and only "restored in setup" kept
    let restoredInSetup = false;
    const facts = this.facts;
    // the record's values read once: its getters decode the model's columns on every read (this loop reads them
    // per PTE line, 540k at 1 GiB)
    const finalizeTs = m.finalizeTs;
    const pid = m.pid;
    const setupTs = m.setupTs;
    const end = finalizeTs !== undefined ? Math.min(facts.records.nextSetupOfTask(m) - 1, this.model.lastTs) : Facts.windowEnd(m);
    // setup returns before migrate_vma_pages(); without its kretprobe, the pages call bounds the setup window
    const setupEnd = m.setupRetTs ?? (m.pagesId !== undefined ? facts.tsOf(m.pagesId) : (finalizeTs ?? end));
    // the task's PTE lines from setup on; the window ends at the first one past `end`
    const ptes = facts.idsFromOfTask('migration-pte-remove', pid, setupTs);
    if (ptes.length === 0 || facts.tsOf(ptes[0]) > end) return false;
    const splits = this.splitWindows(pid, setupTs, end);
    const movedTo = m.direction === 'to-device' ? 'device-private' : m.direction === 'to-system' ? 'system' : undefined;
    const start = m.start;
    const stop = m.end;
    const as = m.as;
    for (let i = 0; i < ptes.length; i++) {
      const id = ptes[i];
      const ts = facts.tsOf(id);
      if (ts > end) break;
      const addr = facts.addrOf(id);
      if (addr === undefined || addr < start || addr >= stop) continue;
      // split_huge_page() freezes a THP with migration entries and remaps it: not a migration outcome
      if (insideAny(splits, ts)) continue;
      if (out) out.sawPteEvents = true;
      const vpn = vpnOf(addr);
      if (ts <= setupEnd && (finalizeTs === undefined || ts < finalizeTs)) {
        restoredInSetup = true;
        out?.restoredInSetup.set(vpn, id);
        continue;
      }
      const present = facts.ptePresentOf(id);
      let state: PageState | undefined;
      if (present !== undefined) state = present ? 'system' : 'device-private';
      else state = this.model.stateAround(as, vpn, id).after;
      if (out) {
        if (movedTo === undefined || state === movedTo) out.moved.add(vpn);
        else out.restoredAtFinalize.set(vpn, id);
      } else if (state === 'system' || state === 'device-private') this.history.add(as, vpn, ts, STATE_CODE[state], id);
    }
    return restoredInSetup;
  }

  /** [entry, return] of the task's THP splits (split_huge_page_to_list and friends) inside a window. */
  private splitWindows(pid: number, from: number, to: number): readonly [number, number][] {
    // most migrations have no split in their window: no list and no objects for them
    const ids = this.facts.idsFromOfTask('thp-split', pid, from);
    if (ids.length === 0 || this.facts.tsOf(ids[0]) > to) return NO_SPLITS;
    const out: [number, number][] = [];
    for (const e of this.facts.inWindowOfTask('thp-split', pid, from, to)) {
      if (!SPLIT_FUNC.test(e.func ?? '')) continue;
      const ret = this.facts.nextOfTask(pid, e.id, ['thp-split-ret']);
      out.push([e.ts, ret?.ts ?? to]);
    }
    return out;
  }

  /** The page's state just before `ts` (and before event `beforeId`), from the replay, else from the model. */
  stateBefore(as: AddressSpace, vpn: number, ts: number, beforeId: number): PageState {
    const best = this.history.codeBefore(as, vpn, ts, beforeId);
    if (best >= 0) return CODE_STATE[best];
    try {
      return this.model.stateAround(as, vpn, beforeId).before;
    } catch {
      return 'unknown';
    }
  }
}
