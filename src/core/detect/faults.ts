/**
 * Fault-side symptoms of refcount stalls (reference §4.8 signatures 1, 4, 5; §7.4 A1, A5): the same address
 * faulting again and again without leaving device memory, and tasks sleeping on a migration entry while
 * another task's migration of that page is open.
 */

import type { AddressSpace, DomainEvent, MigrationRecord } from '../model/types';
import { defineRule, type DetectContext } from './context';
import { Facts } from './facts';
import { PROBES } from './probes';
import { makeFinding, msText, pageAddr, PAGE_SIZE, taskText, timeText, vpnOf } from './util';
import { lowerBound } from '../sorted';

/**
 * Fault attempts in time order, read by index: ids over the columns for CPU faults (tens of thousands on a long
 * capture, no object each), the device attempts as the objects deviceAttempts() already made.
 */
interface Attempts {
  readonly length: number;
  id(i: number): number;
  ts(i: number): number;
  pid(i: number): number;
  comm(i: number): string;
  as(i: number): AddressSpace;
  addr(i: number): number | undefined;
}

function attemptsOfIds(d: DetectContext, ids: ArrayLike<number>): Attempts {
  const f = d.facts;
  return {
    length: ids.length,
    id: (i) => ids[i],
    ts: (i) => f.tsOf(ids[i]),
    pid: (i) => f.pidOf(ids[i]),
    comm: (i) => f.commOf(ids[i]),
    as: (i) => f.asOf(ids[i]),
    addr: (i) => f.addrOf(ids[i]),
  };
}

function attemptsOfEvents(evs: readonly DomainEvent[]): Attempts {
  return {
    length: evs.length,
    id: (i) => evs[i].id,
    ts: (i) => evs[i].ts,
    pid: (i) => evs[i].pid,
    comm: (i) => evs[i].comm,
    as: (i) => evs[i].as,
    addr: (i) => evs[i].addr,
  };
}

/** Per address space, per page: a small two-level map keyed by numbers (no string per page). */
type PageMap<T> = Map<AddressSpace, Map<number, T>>;

function pageGet<T>(map: PageMap<T>, as: AddressSpace, vpn: number): T | undefined {
  return map.get(as)?.get(vpn);
}

function pageSet<T>(map: PageMap<T>, as: AddressSpace, vpn: number, v: T): void {
  let pages = map.get(as);
  if (!pages) map.set(as, (pages = new Map()));
  pages.set(vpn, v);
}

/** Whether a sorted list holds a value in (after, before). */
function anyBetween(sorted: readonly number[], after: number, before: number): boolean {
  const lo = lowerBound(sorted, after, true);
  return lo < sorted.length && sorted[lo] < before;
}

/**
 * Splits the fault attempts on each page into episodes: an episode ends when the page goes back to the device
 * (a to-device migration covering it), because faulting it again after that is a new, legitimate access.
 * Returns the episodes of at least `minAttempts` attempts (as attempt indexes), in order of their first attempt.
 * Each attempt's episode is a number in typed arrays: most episodes are one fault, and an object and a list per
 * episode (tens of thousands at 256 MiB) would live as long as the rule.
 */
function episodes(d: DetectContext, attempts: Attempts, windowNs: number, minAttempts: number): number[][] {
  const n = attempts.length;
  // the pages that were faulted on: only their trips back to the device matter
  const faulted: PageMap<true> = new Map();
  for (let i = 0; i < n; i++) {
    const addr = attempts.addr(i);
    if (addr !== undefined) pageSet(faulted, attempts.as(i), vpnOf(addr), true);
  }
  // when each of those pages went (back) to the device: setup times of to-device migrations covering it, in order
  // indexed loops: run once per rule, a for-of allocates an iterator result per migration
  const toDevice: PageMap<number[]> = new Map();
  const ms = d.facts.migrations;
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i];
    if (m.direction !== 'to-device' || m.npages > 4096) continue;
    const pages = faulted.get(m.as);
    if (!pages) continue;
    // the bounds read once: a record's getters decode the model's columns on every read
    for (let v = vpnOf(m.start), last = Math.ceil(m.end / PAGE_SIZE); v < last; v++) {
      if (!pages.has(v)) continue;
      const l = pageGet(toDevice, m.as, v);
      if (l) l.push(m.setupTs);
      else pageSet(toDevice, m.as, v, [m.setupTs]);
    }
  }
  // per attempt its episode (-1: no address); per episode its size and last attempt's time
  const episodeOf = new Int32Array(n).fill(-1);
  const size = new Int32Array(n);
  const lastTs = new Float64Array(n);
  let episodeCount = 0;
  const current: PageMap<number> = new Map();
  for (let i = 0; i < n; i++) {
    const addr = attempts.addr(i);
    if (addr === undefined) continue;
    const as = attempts.as(i);
    const ts = attempts.ts(i);
    const vpn = vpnOf(addr);
    const cur = pageGet(current, as, vpn);
    const backOnDevice = cur !== undefined && anyBetween(pageGet(toDevice, as, vpn) ?? [], lastTs[cur], ts);
    let e = cur;
    if (e === undefined || backOnDevice || ts - lastTs[e] > windowNs) {
      e = episodeCount++;
      pageSet(current, as, vpn, e);
    }
    episodeOf[i] = e;
    size[e]++;
    lastTs[e] = ts;
  }
  const lists = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const e = episodeOf[i];
    if (e < 0 || size[e] < minAttempts) continue;
    const l = lists.get(e);
    if (l) l.push(i);
    else lists.set(e, [i]);
  }
  // episodes are numbered in order of their first attempt, and the map keeps first-insertion order
  return [...lists.values()];
}

/**
 * GPU fault attempts: nouveau logs both the fault buffer entry (`fault ...`) and the serviced address
 * (`addr ...`) for one attempt, so consecutive device faults on a page count once until an invalidation of
 * that address (the reason the handler retries: mmu_interval_read_retry) separates them: an invalidation record
 * starting strictly between the two faults, or a driver invalidate line at or between them.
 */
export function deviceAttempts(d: DetectContext): DomainEvent[] {
  const faults = d.facts.of('device-fault');
  for (let i = 1; i < faults.length; i++) if (faults[i].ts < faults[i - 1].ts) return deviceAttemptsByWindow(d);
  // one sweep in time order: for every faulted address, the latest invalidation (and driver invalidate) that
  // covered it so far, so "was it invalidated since the previous fault" costs no walk over the time between
  const addrs = [...new Set(faults.flatMap((f) => (f.addr === undefined ? [] : [f.addr])))].sort((x, y) => x - y);
  const indexOf = (addr: number) => lowerBound(addrs, addr);
  const lastInvalidation = new Float64Array(addrs.length).fill(-Infinity);
  const lastDriverInvalidate = new Float64Array(addrs.length).fill(-Infinity);
  const cover = (latest: Float64Array, start: number, end: number, ts: number) => {
    for (let k = indexOf(start); k < addrs.length && addrs[k] < end; k++) latest[k] = ts;
  };
  const invs = d.facts.invalidations;
  const drvs = d.facts.of('driver-invalidate');
  let ii = 0;
  let di = 0;
  const out: DomainEvent[] = [];
  const lastOf: PageMap<DomainEvent> = new Map();
  for (const ev of faults) {
    if (ev.addr === undefined) continue;
    for (; ii < invs.length && invs[ii].startTs < ev.ts; ii++) cover(lastInvalidation, invs[ii].start, invs[ii].end, invs[ii].startTs);
    for (; di < drvs.length && drvs[di].ts <= ev.ts; di++) {
      const r = drvs[di];
      if (r.start !== undefined && r.end !== undefined) cover(lastDriverInvalidate, r.start, r.end, r.ts);
    }
    const vpn = vpnOf(ev.addr);
    const prev = pageGet(lastOf, ev.as, vpn);
    pageSet(lastOf, ev.as, vpn, ev);
    const k = indexOf(ev.addr);
    if (prev && !(lastInvalidation[k] > prev.ts) && !(lastDriverInvalidate[k] >= prev.ts)) continue;
    out.push(ev);
  }
  return out;
}

/** The same answer by looking at every invalidation between each pair of faults (faults out of time order). */
export function deviceAttemptsByWindow(d: DetectContext): DomainEvent[] {
  const out: DomainEvent[] = [];
  const lastOf: PageMap<DomainEvent> = new Map();
  for (const ev of d.facts.of('device-fault')) {
    if (ev.addr === undefined) continue;
    const vpn = vpnOf(ev.addr);
    const prev = pageGet(lastOf, ev.as, vpn);
    pageSet(lastOf, ev.as, vpn, ev);
    if (prev) {
      const between = d.facts.invalidationsBetween(prev.ts, ev.ts).some((r) => ev.addr! >= r.start && ev.addr! < r.end);
      const drv = d.facts.inWindow('driver-invalidate', prev.ts, ev.ts).some((r) => r.start !== undefined && r.end !== undefined && ev.addr! >= r.start && ev.addr! < r.end);
      if (!between && !drv) continue;
    }
    out.push(ev);
  }
  return out;
}

/**
 * Without a driver probe, the do_swap_page entries that did not end in a device-exclusive restore or a
 * migration-entry wait stand in for migrate_to_ram entries (do_swap_page handles all three).
 */
function standInAttempts(d: DetectContext): number[] {
  const out: number[] = [];
  const faults = d.facts.idsOf('swap-fault');
  for (let i = 0; i < faults.length; i++) {
    const id = faults[i];
    const next = d.facts.nextOfTask(d.facts.pidOf(id), id, ['exclusive-restore', 'migration-wait', 'swap-fault-ret', 'swap-fault']);
    if (next === undefined || next.kind === 'swap-fault-ret' || next.kind === 'swap-fault') out.push(id);
  }
  return out;
}

export const faultLivelock = defineRule(
  {
    id: 'refcount/fault-livelock',
    title: 'Same address faults again and again',
    severity: 'error',
    thresholds: [
      { name: 'attempts', default: 8, unit: 'count', description: 'Fault attempts on one page (without it leaving device memory) that make a livelock (error).' },
      { name: 'retries', default: 3, unit: 'count', description: 'Attempts from which repeated faults are reported as information.' },
      { name: 'windowMs', default: 100, unit: 'ms', description: 'Attempts further apart than this start a new episode.' },
    ],
    help:
      'A CPU access to a device-private page faults into do_swap_page() → the driver\'s migrate_to_ram(). If the migration collects nothing (another fault holds a reference or the page lock, migrate_vma_check_page() fails) the driver returns 0 without migrating and the CPU faults again: the loop behind 16ce101db85d (6.1, fault_page) and 1afaeb8293c9 (6.15, trylock in do_swap_page). ' +
      'A GPU that keeps faulting one address because every attempt is invalidated before it maps is the device-side twin.',
  },
  (d) => {
    const livelock = d.threshold('attempts');
    const info = d.threshold('retries');
    const windowNs = d.thresholdNs('windowMs');
    // migrate_to_ram entries are the attempts, else the do_swap_page entries that stand in for them
    const cpu = attemptsOfIds(d, d.facts.has('migrate-to-ram') ? d.facts.idsOf('migrate-to-ram') : standInAttempts(d));
    const streams: [Attempts, 'cpu' | 'device'][] = [
      [cpu, 'cpu'],
      [attemptsOfEvents(deviceAttempts(d)), 'device'],
    ];
    for (const [attempts, side] of streams) {
      for (const ep of episodes(d, attempts, windowNs, info)) {
        const n = ep.length;
        const tasks = new Map<number, string>();
        for (const i of ep) tasks.set(attempts.pid(i), attempts.comm(i));
        const first = ep[0];
        const last = ep[n - 1];
        const firstTs = attempts.ts(first);
        const lastTs = attempts.ts(last);
        const vpn = vpnOf(attempts.addr(first)!);
        const severity = n >= livelock ? 'error' : 'info';
        const who = [...tasks].map(([pid, comm]) => taskText(comm, pid)).join(', ');
        // by id: only the waits on this page are evidence, and an object per wait of the window is not needed
        const waitIds: number[] = [];
        const inWindow = d.facts.idsInWindow('migration-wait', firstTs, lastTs);
        for (let k = 0; k < inWindow.length; k++) {
          const addr = d.facts.addrOf(inWindow[k]);
          if (addr !== undefined && vpnOf(addr) === vpn) waitIds.push(inWindow[k]);
        }
        d.findings.push(
          makeFinding(d.facts, {
            rule: 'refcount/fault-livelock',
            severity,
            title: severity === 'error' ? 'Fault livelock on one address' : 'Same address faulted repeatedly',
            message:
              `${pageAddr(vpn)}: ${n} ${side === 'cpu' ? 'CPU faults into migrate_to_ram' : 'device faults'} by ${tasks.size} task(s) (${who}) ` +
              `over ${msText(lastTs - firstTs)} from ${timeText(firstTs)}${side === 'cpu' ? ', the page still device-private at each retry' : ', each retry after an invalidation of the page'}${waitIds.length > 0 ? `; ${waitIds.length} wait(s) on a migration entry in between` : ''}`,
            explanation:
              side === 'cpu'
                ? 'Each attempt found the page still device-private: the previous migrate_to_ram() did not move it. With several tasks faulting the same page, each takes a reference (do_swap_page) or the page lock, so the others\' migrations fail migrate_vma_check_page() or folio_migrate_mapping() (-EAGAIN) or collect nothing, and return 0 so the CPU retries. ' +
                  'A handful of retries under contention is normal; an unbounded count is the livelock. Check the migrations between the attempts (cpages, -EAGAIN), whether migrate_to_ram contends on a driver mutex, and on 6.15+ whether the losers spin on the trylock in do_swap_page while the holder sits in lru_add_drain_all().'
                : 'The device faulted the same address repeatedly. In nouveau_range_fault()/nouveau_atomic_range_fault() the handler retries when hmm_range_fault() returns -EBUSY or mmu_interval_read_retry() says an invalidation bumped the sequence. An unfilterable CLEAR (split_huge_pmd, try_to_migrate_one) or an unfiltered own MIGRATE/EXCLUSIVE on an overlapping range between the attempts is the usual cause; look for invalidations between them.',
            as: attempts.as(first),
            start: vpn * PAGE_SIZE,
            end: vpn * PAGE_SIZE + PAGE_SIZE,
            fromTs: firstTs,
            toTs: lastTs,
            eventIds: [...ep.map((i) => attempts.id(i)), ...waitIds],
            pid: attempts.pid(first),
            comm: attempts.comm(first),
          }),
        );
      }
    }
    if (cpu.length === 0 && d.facts.migrations.some((m) => m.trigger === 'migrate-to-ram'))
      d.note('Migrations from CPU faults were captured but not the faults themselves; add do_swap_page probes to count attempts per address.', [PROBES.doSwapPage, PROBES.doSwapPageRet]);
  },
);

export const migrationEntryWait = defineRule(
  {
    id: 'refcount/migration-entry-wait',
    title: 'Task waited on a migration entry',
    severity: 'info',
    thresholds: [{ name: 'waitMs', default: 10, unit: 'ms', description: 'Waits longer than this are warnings.' }],
    help:
      'A CPU fault that finds a migration entry calls migration_entry_wait(), which sleeps on the folio lock (migration_entry_wait_on_locked) until the migrating task finishes with migrate_vma_finalize(). ' +
      'The waiter holds a reference while it waits, which can itself make the holder\'s folio_migrate_mapping() fail (-EAGAIN).',
  },
  (d) => {
    const limit = d.thresholdNs('waitMs');
    const waits = d.facts.of('migration-wait');
    if (waits.length === 0) return;
    let unattributed = 0;
    // one finding per holding migration; waits with no open migration in the trace are counted in a note
    const byHolder = new Map<number, { m: MigrationRecord; waits: { ev: DomainEvent; until: number }[] }>();
    for (const w of waits) {
      if (w.addr === undefined) continue;
      const holder = d.facts.openMigrationAt(w.as, w.addr, w.ts, { excludePid: w.pid });
      if (!holder) {
        unattributed++;
        continue;
      }
      const back = d.facts.nextOfTask(w.pid, w.id, ['swap-fault-ret', 'migrate-to-ram', 'swap-fault', 'cpu-fault']);
      const until = back?.ts ?? Facts.windowEnd(holder);
      let g = byHolder.get(holder.id);
      if (!g) byHolder.set(holder.id, (g = { m: holder, waits: [] }));
      g.waits.push({ ev: w, until });
    }
    for (const { m, waits: ws } of byHolder.values()) {
      // loops, not Math.max(...spread): one holder can have more waits than a call has room for arguments
      let longest = -Infinity;
      let fromTs = m.setupTs;
      let toTs = Facts.windowEnd(m);
      for (const x of ws) {
        longest = Math.max(longest, x.until - x.ev.ts);
        fromTs = Math.min(fromTs, x.ev.ts);
        toTs = Math.max(toTs, x.until);
      }
      const pages = [...new Set(ws.map((x) => pageAddr(vpnOf(x.ev.addr!))))];
      const who = [...new Set(ws.map((x) => taskText(x.ev.comm, x.ev.pid)))].join(', ');
      const end = Facts.windowEnd(m);
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'refcount/migration-entry-wait',
          severity: longest > limit ? 'warning' : 'info',
          title: 'Task waited on a migration entry',
          message:
            `${who} waited on the migration entry of ${pages.join(', ')} ` +
            `(${ws.length} wait(s), longest ${msText(longest)}) while ${taskText(m.comm, m.pid)} held the migration window ${timeText(m.setupTs)} → ${timeText(end)} (${msText(end - m.setupTs)})`,
          explanation:
            'The waiting task touched a page whose PTE was a migration entry because another task was migrating it; it sleeps in migration_entry_wait() until that task\'s migrate_vma_finalize() installs the final PTE. ' +
            'Short waits are the price of migration; long ones point at the holder\'s window (see refcount/long-migration-window). The waiter\'s reference can also make the holder\'s move fail with -EAGAIN, turning the wait into a retry loop.',
          as: m.as,
          start: m.start,
          end: m.end,
          pages,
          fromTs,
          toTs,
          eventIds: [...ws.map((x) => x.ev.id), m.setupId, ...(m.finalizeId !== undefined ? [m.finalizeId] : [])],
          pid: ws[0].ev.pid,
          comm: ws[0].ev.comm,
        }),
      );
    }
    if (unattributed > 0 && d.facts.migrations.length === 0)
      d.note(`${unattributed} wait(s) on migration entries, but no migration probes were captured to name the holder.`, [PROBES.mvSetup, PROBES.mvFinalize]);
  },
);
