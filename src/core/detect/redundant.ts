/**
 * Invalidations that change nothing for a mirror (reference §7.4 B2, B4; threads 002 and 003): the same range
 * and event invalidated again with no page-table change in between, and MMU_NOTIFY_PROTECTION_* from an
 * mprotect() that only adds permissions.
 */

import type { AddressSpace, DomainKind, InvalidationRecord } from '../model/types';
import { defineRule, type DetectContext } from './context';
import { costSeverity, enclosingMigration } from './invalidation';
import { PROBES } from './probes';
import { MM_SYSCALLS, ProtectionMap, protText, SyscallCalls } from './syscalls';
import { makeFinding, msText, overlaps, rangeText, taskText, timeText } from './util';

/** Page-granular events that prove a PTE changed (or was populated) at their address. */
const PTE_CHANGES: readonly DomainKind[] = [
  'migration-pte-set',
  'migration-pte-remove',
  'migration-pmd-set',
  'migration-pmd-remove',
  'cpu-fault',
  'swap-fault',
  'exclusive-one',
  'exclusive-restore',
  'unmap',
];


/**
 * Whether anything changed the page tables of [start, end) in `as` during (fromTs, toTs): a tlb_flush, a
 * completed mm syscall or a change_protection with pages by a task of that mm, PTE events in the range, another
 * kind of invalidation of the range, or a migration that collected pages there.
 *
 * Every test is read only, so their order changes nothing but the cost: the cheap per-mm ones come first. On the
 * 256 MiB bench's 2.4k questions a TLB flush answers half and a syscall a fifth; the PTE kinds, each a walk over
 * every task's events of the window, answered a fifth but cost 111 ms when all were walked first (48 ms in all).
 */
export function pageTablesChanged(d: DetectContext, as: AddressSpace, start: number, end: number, fromTs: number, toTs: number, calls: SyscallCalls): boolean {
  if (d.facts.tlbFlushed(as, fromTs, toTs)) return true;
  for (let c = calls.firstAt(fromTs); c < calls.length; c++) {
    const enterTs = calls.enterTs(c);
    if (enterTs > toTs) break;
    // a completed mm syscall in between changed page tables; the one still running issued this very invalidation
    if (enterTs >= fromTs && calls.returned(c) && calls.exitTs(c) < toTs && (calls.ret(c) ?? 0) >= 0 && MM_SYSCALLS.has(calls.name(c)) && d.facts.asOfPid.get(calls.pid(c)) === as) return true;
  }
  // by id: this runs twice per repeated invalidation, and an object per change_protection return adds up
  const prots = d.facts.idsInWindow('change-protection-ret', fromTs, toTs);
  for (let i = 0; i < prots.length; i++) if (d.facts.asOfPid.get(d.facts.pidOf(prots[i])) === as && (d.facts.retOf(prots[i]) ?? 1) > 0) return true;
  for (const k of PTE_CHANGES) if (d.facts.touches(k, as, start, end, fromTs, toTs)) return true;
  // walks of the sorted records, no list built: this runs twice per repeated invalidation
  const records = d.facts.records;
  const invs = records.invalidations;
  for (let i = records.firstStartAfter(fromTs); i < invs.length && records.startTsAt(i) < toTs; i++) {
    const r = invs[i];
    if (r.as === as && overlaps(r.start, r.end, start, end)) return true;
  }
  // a migration set up inside the window (so overlapping it): one that collected pages there changed them
  const ms = records.migrations;
  for (let i = records.firstSetupAfter(fromTs); i < ms.length && records.setupTsAt(i) < toTs; i++) {
    const m = ms[i];
    if (m.as === as && overlaps(m.start, m.end, start, end) && (m.unmapped ?? m.cpages ?? 1) > 0) return true;
  }
  return false;
}

/** Paired syscalls, once per analysis (both rules of this file replay them). */
const callsOfFacts = new WeakMap<DetectContext['facts'], SyscallCalls>();

function allCalls(d: DetectContext): SyscallCalls {
  let calls = callsOfFacts.get(d.facts);
  if (!calls) callsOfFacts.set(d.facts, (calls = new SyscallCalls(d.facts, d.facts.idsOf('syscall'), d.facts.idsOf('syscall-ret'))));
  return calls;
}

/**
 * When the operation that issued an invalidation finished: the syscall the task was in (its PTE work and TLB
 * flush come after invalidate_range_end, e.g. zap's tlb_finish_mmu), else the invalidation's own end.
 */
function operationEnd(calls: SyscallCalls, r: InvalidationRecord): number {
  const at = calls.firstAt(r.startTs);
  for (let c = at - 1; c >= 0 && c >= at - 32; c--) {
    if (calls.pid(c) === r.pid && calls.returned(c) && calls.exitTs(c) >= r.startTs) return calls.exitTs(c);
  }
  return r.endTs ?? r.startTs;
}

/**
 * Per invalidation (by index), a number naming its mm, event and [start, end): equal numbers, equal ranges,
 * numbered in order of first appearance (the rule only uses the numbers as keys). Found with an open-addressing
 * hash table of record indexes over four typed key columns (~36 bytes a record, dropped when the rule returns).
 * One string key per record (`as|event|start|end`) or nested maps keyed by numbers (a Map per distinct start:
 * 22 MB of JS heap for the 207k invalidations of the 1 GiB bench) cost more memory, and sorting the indexes by the
 * four keys called a comparator ~18 times a record. Address spaces are told apart by their text, events by name,
 * and a range bound the trace did not give (NaN) equals only another such bound, as Map keys did.
 */
function rangeIds(invs: readonly InvalidationRecord[]): { ids: Int32Array; count: number } {
  const n = invs.length;
  const event = new Int32Array(n);
  const space = new Int32Array(n);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const eventCode = new Map<string, number>();
  const spaceCode = new Map<AddressSpace, number>();
  const spaceText = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = invs[i];
    let e = eventCode.get(r.event);
    if (e === undefined) eventCode.set(r.event, (e = eventCode.size));
    let c = spaceCode.get(r.as);
    if (c === undefined) {
      const text = String(r.as);
      c = spaceText.get(text) ?? spaceText.size;
      spaceText.set(text, c);
      spaceCode.set(r.as, c);
    }
    event[i] = e;
    space[i] = c;
    start[i] = bound(r.start);
    end[i] = bound(r.end);
  }
  // slots hold a record index + 1 (0: empty), at most half of them used
  let size = 2;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size);
  const ids = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let h = rangeHash(event[i], space[i], start[i], end[i]) & mask;
    for (;;) {
      const j = table[h] - 1;
      if (j < 0) {
        table[h] = i + 1;
        ids[i] = count++;
        break;
      }
      if (event[j] === event[i] && space[j] === space[i] && start[j] === start[i] && end[j] === end[i]) {
        ids[i] = ids[j];
        break;
      }
      h = (h + 1) & mask;
    }
  }
  return { ids, count };
}

/** A hash of a range key: equal keys (0 and -0 included) hash alike. */
function rangeHash(event: number, space: number, start: number, end: number): number {
  let h = Math.imul(event + 1, 0x9e3779b1) ^ Math.imul(space + 1, 0x85ebca77);
  h = Math.imul(h ^ (start >>> 0), 0xc2b2ae3d) ^ ((start / 4294967296) >>> 0);
  h = Math.imul(h ^ (end >>> 0), 0x27d4eb2f) ^ ((end / 4294967296) >>> 0);
  // murmur3's finalizer: the slot is taken from the low bits, which the products above leave poorly mixed
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A range bound as a sort key: a bound the trace did not give (NaN) sorts first and equals only itself. */
function bound(v: number): number {
  return v === v ? v : -Infinity;
}

/** Consecutive repeats of one range: the first invalidation and every repeat with nothing changed in between. */
interface Chain {
  first: InvalidationRecord;
  repeats: InvalidationRecord[];
}

/** A change (or a gap) ends the range's chain of repeats. */
function endChain(chains: Map<number, Chain>, done: Chain[], key: number, chain: Chain): void {
  done.push(chain);
  chains.delete(key);
}

export const duplicateInvalidation = defineRule(
  {
    id: 'invalidation/duplicate',
    title: 'Same range invalidated again with nothing changed in between',
    severity: 'warning',
    thresholds: [{ name: 'windowMs', default: 1000, unit: 'ms', description: 'Only repeats closer than this are compared.' }],
    help:
      'Two invalidate_range_start calls with the same event and the same [start, end) in one mm, with no page-table change after the first one\'s operation finished and none caused by the second (no fault, migration PTE, tlb_flush, change_protection, completed mm syscall or other invalidation of the range). ' +
      'Notifiers must tolerate false positives, but each one costs every mirror a teardown and every interval notifier a sequence bump.',
  },
  (d) => {
    const windowNs = d.thresholdNs('windowMs');
    const calls = allCalls(d);
    const invs = d.facts.invalidations;
    const { ids: rangeOf, count } = rangeIds(invs);
    // per range, the index of its latest invalidation so far (-1: none yet)
    const last = new Int32Array(count).fill(-1);
    // consecutive repeats of one range form one chain, reported once with its count
    const chains = new Map<number, Chain>();
    const done: Chain[] = [];
    for (let i = 0; i < invs.length; i++) {
      const r = invs[i];
      const key = rangeOf[i];
      const prev = last[key] < 0 ? undefined : invs[last[key]];
      last[key] = i;
      const chain = chains.get(key);
      if (!prev || r.startTs - prev.startTs > windowNs) {
        if (chain) endChain(chains, done, key, chain);
        continue;
      }
      // a MIGRATE that starts a migration is either needed (it collects pages) or reported once as
      // invalidation/no-op-migration (it collects nothing); only MIGRATEs without a captured migration remain here
      if (r.event === 'MIGRATE' && enclosingMigration(d, r)) continue;
      const prevEnd = Math.min(operationEnd(calls, prev), r.startTs);
      const curEnd = operationEnd(calls, r);
      if (pageTablesChanged(d, r.as, r.start, r.end, prevEnd, r.startTs, calls) || pageTablesChanged(d, r.as, r.start, r.end, r.startTs, curEnd, calls)) {
        if (chain) endChain(chains, done, key, chain);
        continue;
      }
      if (chain) chain.repeats.push(r);
      else chains.set(key, { first: prev, repeats: [r] });
    }
    done.push(...chains.values());
    done.sort((a, b) => a.first.startTs - b.first.startTs);
    for (const { first, repeats } of done) {
      const r = repeats[0];
      const lastR = repeats[repeats.length - 1];
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'invalidation/duplicate',
          severity: costSeverity(d, r),
          title: 'Same range invalidated again with nothing changed in between',
          message:
            `${taskText(r.comm, r.pid)} at ${timeText(r.startTs)}: ${r.event === 'UNKNOWN' ? 'invalidation (event not captured)' : r.event} ${rangeText(r.start, r.end)} ` +
            `repeated ${repeats.length} time(s) after ${timeText(first.startTs)} (${taskText(first.comm, first.pid)}) over ${msText(lastR.startTs - first.startTs)} with no page-table change in between; origin ${r.origin}`,
          explanation:
            'Nothing in the range changed since the previous identical invalidation, so mirrors had already dropped these translations and each repeat only costs a callback, a device TLB flush and, for interval notifiers, a sequence bump that makes concurrent hmm_range_fault() retry. ' +
            'Look at the caller (origin, stack): a repeated madvise(MADV_DONTNEED)/zap on an already-empty range, a driver re-triggering its own invalidation, or a loop in user space. If the trace lacks fault or tlb probes, capture them to confirm nothing changed.',
          as: r.as,
          start: r.start,
          end: r.end,
          fromTs: first.startTs,
          toTs: lastR.endTs ?? lastR.startTs,
          eventIds: [r.startId, first.startId, ...repeats.slice(1, 8).map((x) => x.startId), ...r.callbacks.map((c) => c.eventId)],
          pid: r.pid,
          comm: r.comm,
        }),
      );
    }
  },
);

export const permissionUpgrade = defineRule(
  {
    id: 'invalidation/permission-upgrade',
    title: 'mprotect only added permissions but invalidated the range',
    severity: 'warning',
    thresholds: [],
    help:
      'change_protection() sends MMU_NOTIFY_PROTECTION_VMA for the whole range whenever the VMA flags change, including R→RW or NONE→RW upgrades where no permission is revoked. ' +
      'A mirror only has to drop translations that lost a permission; on an upgrade its teardown is wasted and the device refaults. (mprotect with unchanged flags returns early in mprotect_fixup and sends nothing.)',
  },
  (d) => {
    const calls = allCalls(d);
    const prot = new ProtectionMap();
    const protInvs = d.facts.invalidations.filter((r) => r.event === 'PROTECTION_VMA' || r.event === 'PROTECTION_PAGE');
    if (protInvs.length === 0) return;
    // each mm's protections replay on their own: only the mms these invalidations name are replayed, so the
    // arguments of other mms' syscalls are never read back from the trace
    const spaces = new Set(protInvs.map((r) => r.as));
    const apply = (c: number): void => {
      const as = d.facts.asOfPid.get(calls.pid(c)) ?? d.facts.asOf(calls.enterId(c));
      if (spaces.has(as)) prot.apply(as, calls, c);
    };
    let undecided = 0;
    let ci = 0;
    // syscalls entered but not yet returned at the current invalidation (the in-progress mprotect is one)
    const pending: number[] = [];
    for (const r of protInvs) {
      // replay every syscall that completed before this invalidation; the one in progress is its cause
      let cause: number | undefined;
      while (ci < calls.length && calls.enterTs(ci) <= r.startTs) {
        const c = ci++;
        if (calls.returned(c) && calls.exitTs(c) < r.startTs) apply(c);
        else pending.push(c);
      }
      for (let i = pending.length - 1; i >= 0; i--) {
        const c = pending[i];
        if (calls.returned(c) && calls.exitTs(c) < r.startTs) {
          apply(c);
          pending.splice(i, 1);
        } else if (cause === undefined && calls.pid(c) === r.pid && calls.name(c) === 'mprotect') cause = c;
      }
      const newProt = cause === undefined ? undefined : calls.args(cause).prot;
      if (cause === undefined || newProt === undefined) continue;
      const before = prot.covering(r.as, r.start, r.end);
      if (!before) {
        undecided++;
        continue;
      }
      const revoked = before.some((p) => (p & ~newProt) !== 0);
      if (revoked) continue;
      const sev = costSeverity(d, r);
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'invalidation/permission-upgrade',
          severity: sev,
          title: 'mprotect only added permissions but invalidated the range',
          message:
            `${taskText(r.comm, r.pid)} at ${timeText(r.startTs)}: mprotect(${before.map(protText).join('/')} → ${protText(newProt)}) sent ${r.event} ${rangeText(r.start, r.end)}; nothing was revoked` +
            `${r.callbacks.length > 0 ? `, yet ${[...new Set(r.callbacks.map((c) => c.func))].join(', ')} tore down its mirror` : ''}`,
          explanation:
            'change_protection() notifies MMU_NOTIFY_PROTECTION_VMA for any real VMA flag change, and the notifier carries no old/new protection, so mirrors invalidate the range even when the change only adds permissions. ' +
            'The device loses translations that were still valid and refaults them. If user space toggles protection (guard pages, JIT W^X, GC barriers) on memory a device mirrors, prefer leaving it writable or accept the refault cost; a driver may skip the teardown on PROTECTION_VMA when the range\'s device mappings are read-only.',
          as: r.as,
          start: r.start,
          end: r.end,
          fromTs: calls.enterTs(cause),
          toTs: r.endTs ?? r.startTs,
          eventIds: [r.startId, calls.enterId(cause), ...r.callbacks.map((c) => c.eventId), ...(calls.returned(cause) ? [calls.exitId(cause)] : [])],
          pid: r.pid,
          comm: r.comm,
        }),
      );
    }
    if (undecided > 0)
      d.note(
        `${undecided} mprotect invalidation(s) cannot be judged: the previous protection of the range is unknown. Capture syscalls:sys_enter_mmap/sys_exit_mmap and sys_enter_mprotect/sys_exit_mprotect from before the range is mapped.`,
        [PROBES.changeProtRet],
      );
  },
);
