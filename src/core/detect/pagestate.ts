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

import type { AddressSpace, DomainEvent, MigrationRecord, PageState, TraceModel } from '../model/types';
import { Facts, type FactEvent } from './facts';
import { vpnOf } from './util';

interface Step {
  ts: number;
  state: PageState;
  eventId: number;
}

/** Whether a printed PTE value (hex without 0x, as `remove_migration_pte` prints it) is present. */
export function ptePresent(pte: string | undefined): boolean | undefined {
  if (pte === undefined) return undefined;
  const s = pte.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]+$/i.test(s)) return undefined;
  return (parseInt(s.slice(-1), 16) & 1) === 1;
}

export interface MigrationOutcome {
  /** Pages whose migration PTE was replaced by the destination (moved). */
  moved: Set<number>;
  /** Pages restored to their source during the setup window (refcount/mapcount check failed). */
  restoredInSetup: Map<number, DomainEvent>;
  /** Pages restored to the source at finalize (move failed, e.g. -EAGAIN). */
  restoredAtFinalize: Map<number, DomainEvent>;
  /** remove_migration_pte lines seen for this migration at all (false: the tracepoint was not captured). */
  sawPteEvents: boolean;
}

export class PageStates {
  private readonly history = new Map<string, Step[]>();
  private readonly outcomes = new Map<number, MigrationOutcome>();

  constructor(
    private readonly model: TraceModel,
    private readonly facts: Facts,
  ) {
    // remove_migration_ptes() runs after migrate_vma_finalize() is entered: a migration's PTE lines run until
    // the same task starts its next migration (or the trace ends)
    const nextOfTask = new Map<number, number>();
    const until = new Map<number, number>();
    for (let i = facts.migrations.length - 1; i >= 0; i--) {
      const m = facts.migrations[i];
      until.set(m.id, nextOfTask.get(m.pid) ?? Infinity);
      nextOfTask.set(m.pid, m.setupTs);
    }
    for (const m of facts.migrations) this.replay(m, until.get(m.id) ?? Infinity);
  }

  private key(as: AddressSpace, vpn: number): string {
    return `${String(as)}|${vpn}`;
  }

  outcome(m: MigrationRecord): MigrationOutcome {
    return this.outcomes.get(m.id) ?? { moved: new Set(), restoredInSetup: new Map(), restoredAtFinalize: new Map(), sawPteEvents: false };
  }

  /**
   * Classifies the migration's remove_migration_pte events: inside the setup window (before setup returned)
   * they are the restore loop of migrate_device_unmap(); at finalize a PTE pointing at the other side is a move.
   */
  private replay(m: MigrationRecord, nextSetupTs: number): void {
    const out: MigrationOutcome = { moved: new Set(), restoredInSetup: new Map(), restoredAtFinalize: new Map(), sawPteEvents: false };
    const end = m.finalizeTs !== undefined ? Math.min(nextSetupTs - 1, this.model.lastTs) : Facts.windowEnd(m);
    // setup returns before migrate_vma_pages(); without its kretprobe, the pages call bounds the setup window
    const setupEnd = m.setupRetTs ?? (m.pagesId !== undefined ? this.facts.event(m.pagesId).ts : (m.finalizeTs ?? end));
    const ptes = this.facts.inWindow('migration-pte-remove', m.setupTs, end);
    const splits = this.splitWindows(m.pid, m.setupTs, end);
    for (const ev of ptes) {
      if (ev.pid !== m.pid || ev.addr === undefined || ev.addr < m.start || ev.addr >= m.end) continue;
      // split_huge_page() freezes a THP with migration entries and remaps it: not a migration outcome
      if (splits.some(([a, b]) => ev.ts >= a && ev.ts <= b)) continue;
      out.sawPteEvents = true;
      const vpn = vpnOf(ev.addr);
      if (ev.ts <= setupEnd && (m.finalizeTs === undefined || ev.ts < m.finalizeTs)) {
        out.restoredInSetup.set(vpn, ev);
        continue;
      }
      const present = ptePresent(ev.fields.pte) ?? (ev as FactEvent).ptePresent;
      let state: PageState | undefined;
      if (present !== undefined) state = present ? 'system' : 'device-private';
      else state = this.model.stateAround(m.as, vpn, ev.id).after;
      const movedTo = m.direction === 'to-device' ? 'device-private' : m.direction === 'to-system' ? 'system' : undefined;
      if (movedTo === undefined || state === movedTo) out.moved.add(vpn);
      else out.restoredAtFinalize.set(vpn, ev);
      if (state === 'system' || state === 'device-private') this.push(m.as, vpn, { ts: ev.ts, state, eventId: ev.id });
    }
    this.outcomes.set(m.id, out);
  }

  /** [entry, return] of the task's THP splits (split_huge_page_to_list and friends) inside a window. */
  private splitWindows(pid: number, from: number, to: number): [number, number][] {
    const out: [number, number][] = [];
    for (const e of this.facts.inWindow('thp-split', from, to)) {
      if (e.pid !== pid || !/split_huge_page|split_folio|__split_huge_page/.test(e.func ?? '')) continue;
      const ret = this.facts.nextOfTask(pid, e.id, ['thp-split-ret']);
      out.push([e.ts, ret?.ts ?? to]);
    }
    return out;
  }

  private push(as: AddressSpace, vpn: number, step: Step): void {
    const k = this.key(as, vpn);
    let h = this.history.get(k);
    if (!h) this.history.set(k, (h = []));
    h.push(step);
  }

  /** The page's state just before `ts` (and before event `beforeId`), from the replay, else from the model. */
  stateBefore(as: AddressSpace, vpn: number, ts: number, beforeId: number): PageState {
    const h = this.history.get(this.key(as, vpn));
    if (h) {
      let best: Step | undefined;
      for (const s of h) if (s.ts < ts || (s.ts === ts && s.eventId < beforeId)) best = s;
      if (best) return best.state;
    }
    try {
      return this.model.stateAround(as, vpn, beforeId).before;
    } catch {
      return 'unknown';
    }
  }
}
