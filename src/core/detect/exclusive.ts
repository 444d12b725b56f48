/**
 * Device-exclusive access (reference §4.7, §7.4 B5): make_device_exclusive[_range]() converting fewer pages
 * than asked (THP tail pages, a contended folio lock), and pages bouncing between device-exclusive and
 * CPU-restored.
 */

import type { AddressSpace, DomainEvent, InvalidationRecord } from '../model/types';
import { defineRule } from './context';
import type { Facts } from './facts';
import { PROBES } from './probes';
import { makeFinding, msText, overlaps, pageAddr, PAGE_SIZE, rangeText, taskText, timeText, vpnOf } from './util';

interface Conversion {
  call: DomainEvent;
  ret?: DomainEvent;
  start: number;
  end: number;
  requested: number;
  converted: number;
  /** Evidence of conversions: exclusive-one events, else EXCLUSIVE invalidations by the task inside the call. */
  convertedIds: number[];
  countKnown: boolean;
}

/** Pairs each make_device_exclusive* entry with its return and counts the pages actually converted. */
function conversions(facts: Facts, invalidations: readonly InvalidationRecord[]): Conversion[] {
  const out: Conversion[] = [];
  const haveOne = facts.has('exclusive-one');
  for (const call of facts.of('exclusive-make')) {
    const start = call.start ?? call.addr;
    if (start === undefined) continue;
    // 6.15+ make_device_exclusive() takes one address; older make_device_exclusive_range() a range
    const end = call.end ?? start + PAGE_SIZE;
    const ret = facts.nextOfTask(call.pid, call.id, ['exclusive-make-ret', 'exclusive-make']);
    const retEv = ret?.kind === 'exclusive-make-ret' ? ret : undefined;
    const until = retEv?.ts ?? Infinity;
    let convertedIds: number[] = [];
    let countKnown = false;
    if (haveOne) {
      countKnown = retEv !== undefined;
      convertedIds = facts
        .inWindow('exclusive-one', call.ts, until === Infinity ? call.ts : until)
        .filter((e) => e.pid === call.pid && e.addr !== undefined && e.addr >= start && e.addr < end)
        .map((e) => e.id);
    } else if (invalidations.length > 0 && retEv) {
      countKnown = true;
      convertedIds = facts
        .invalidationsBetween(call.ts - 1, until + 1)
        .filter((r) => r.pid === call.pid && r.event === 'EXCLUSIVE' && r.startTs >= call.ts && r.startTs <= until && overlaps(r.start, r.end, start, end))
        .map((r) => r.startId);
    }
    out.push({
      call,
      ret: retEv,
      start,
      end,
      requested: Math.max(1, Math.ceil((end - start) / PAGE_SIZE)),
      converted: convertedIds.length,
      convertedIds,
      countKnown,
    });
  }
  return out;
}

export const exclusiveConversionFailed = defineRule(
  {
    id: 'refcount/exclusive-conversion-failed',
    title: 'make_device_exclusive could not convert pages',
    severity: 'warning',
    thresholds: [{ name: 'retries', default: 2, unit: 'count', description: 'Failed conversions of overlapping ranges that make the finding an error.' }],
    help:
      'make_device_exclusive_range() (≤6.14) pins the range with GUP(FOLL_SPLIT_PMD) and then, page by page, trylocks the folio and replaces the PTE with a device-exclusive entry (page_make_device_exclusive_one). ' +
      'Pages of a PTE-mapped THP other than the head are skipped (PageTail), a contended folio lock gives up, and GUP may return short; the caller sees NULL pages and the driver retries or fails the atomic (-EBUSY).',
  },
  (d) => {
    const retries = d.threshold('retries');
    const calls = conversions(d.facts, d.facts.invalidations);
    if (calls.length === 0) return;
    const failed: Conversion[] = [];
    let unknown = 0;
    for (const c of calls) {
      const r = c.ret?.ret;
      const errored = r !== undefined && r < 0 && r > -4096;
      const shortGup = r !== undefined && r >= 0 && r < c.requested && c.call.end !== undefined;
      if (!c.countKnown && !errored && !shortGup) {
        unknown++;
        continue;
      }
      if (errored || shortGup || c.converted < c.requested) failed.push(c);
    }
    // retries are compared within one address space only (a long capture holds many processes)
    const failedOfAs = new Map<AddressSpace, Conversion[]>();
    for (const c of failed) {
      const l = failedOfAs.get(c.call.as);
      if (l) l.push(c);
      else failedOfAs.set(c.call.as, [c]);
    }
    for (const c of failed) {
      const again = failedOfAs.get(c.call.as)!.filter((o) => o !== c && overlaps(o.start, o.end, c.start, c.end)).length;
      const r = c.ret?.ret;
      const what =
        r !== undefined && r < 0
          ? `returned ${r}`
          : `converted ${c.converted} of ${c.requested} page(s)${r !== undefined ? ` (GUP returned ${r})` : ''}`;
      d.findings.push(
        makeFinding(d.facts, {
          rule: 'refcount/exclusive-conversion-failed',
          severity: again + 1 >= retries ? 'error' : 'warning',
          title: 'make_device_exclusive could not convert pages',
          message:
            `${taskText(c.call.comm, c.call.pid)} at ${timeText(c.call.ts)}: make-device-exclusive of ${rangeText(c.start, c.end)} ${what}` +
            `${again > 0 ? `; ${again} other failed attempt(s) on an overlapping range` : ''}`,
          explanation:
            'Device-exclusive conversion needs, for every page, the folio lock and a small (non-THP-tail) page. When GUP with FOLL_SPLIT_PMD meets a THP it splits the PMD (an unfilterable 2 MiB CLEAR), but the pages stay parts of one large folio and every tail page is refused; a folio lock held by reclaim, migration or another fault makes the trylock fail. ' +
            'The driver then gets NULL pages: dmirror fails the ioctl with -EBUSY, nouveau_atomic_range_fault retries. Check whether the range is THP-backed (smaps AnonHugePages, thp:* events), whether someone holds the folio lock, and on 6.15+ whether make_device_exclusive() still returns an error for the address.',
          as: c.call.as,
          start: c.start,
          end: c.end,
          fromTs: c.call.ts,
          toTs: c.ret?.ts ?? c.call.ts,
          eventIds: [c.call.id, ...(c.ret ? [c.ret.id] : []), ...c.convertedIds.slice(0, 8)],
          pid: c.call.pid,
          comm: c.call.comm,
        }),
      );
    }
    if (unknown > 0)
      d.note(
        `${unknown} make-device-exclusive call(s) cannot be judged: neither the pages converted (page_make_device_exclusive_one or EXCLUSIVE invalidations) nor a failing return were captured.`,
        [PROBES.mdeRangeRet, PROBES.mdeOne, PROBES.mde615Ret],
      );
  },
);

export const exclusivePingPong = defineRule(
  {
    id: 'invalidation/exclusive-ping-pong',
    title: 'Page bounces between device-exclusive and the CPU',
    severity: 'warning',
    thresholds: [
      { name: 'cycles', default: 3, unit: 'count', description: 'Exclusive → CPU-restored round trips on one page that are reported.' },
      { name: 'windowMs', default: 1000, unit: 'ms', description: 'Round trips further apart than this start a new count.' },
    ],
    help:
      'A device atomic makes the page device-exclusive (make_device_exclusive → EXCLUSIVE invalidation); the next CPU access faults (do_swap_page → remove_device_exclusive_entry, EXCLUSIVE owner NULL on ≤6.14, CLEAR on 6.15+) and restores the PTE; the device then converts it again. ' +
      'Each round trip costs two invalidations, a fault on each side and a GPU page-table update: device/CPU atomic contention on the same page.',
  },
  (d) => {
    const cycles = d.threshold('cycles');
    const windowNs = d.thresholdNs('windowMs');
    const makes = d.facts.of('exclusive-one');
    const restores = d.facts.of('exclusive-restore');
    if (makes.length === 0 || restores.length === 0) {
      if (d.facts.has('exclusive-make') && restores.length === 0 && d.facts.has('swap-fault'))
        d.note('Device-exclusive conversions were captured but not their restoration by CPU faults; add restore_exclusive_pte to see ping-pong.', [PROBES.restoreExcl, PROBES.mdeOne]);
      return;
    }
    type Step = { ev: DomainEvent; make: boolean };
    const perPage = new Map<string, Step[]>();
    for (const [list, make] of [
      [makes, true],
      [restores, false],
    ] as const) {
      for (const ev of list) {
        if (ev.addr === undefined) continue;
        const k = `${String(ev.as)}|${vpnOf(ev.addr)}`;
        let l = perPage.get(k);
        if (!l) perPage.set(k, (l = []));
        l.push({ ev, make });
      }
    }
    for (const steps of perPage.values()) {
      steps.sort((a, b) => a.ev.id - b.ev.id);
      let trips: Step[] = [];
      let round = 0;
      const flush = () => {
        if (round >= cycles) {
          const first = trips[0].ev;
          const last = trips[trips.length - 1].ev;
          const vpn = vpnOf(first.addr!);
          const tasks = [...new Set(trips.map((s) => taskText(s.ev.comm, s.ev.pid)))].join(', ');
          d.findings.push(
            makeFinding(d.facts, {
              rule: 'invalidation/exclusive-ping-pong',
              severity: 'warning',
              title: 'Page bounces between device-exclusive and the CPU',
              message: `${pageAddr(vpn)}: ${round} device-exclusive → CPU-restored round trips in ${msText(last.ts - first.ts)} from ${timeText(first.ts)} (${tasks})`,
              explanation:
                'The device and the CPU take turns on one page: each device atomic converts the PTE to a device-exclusive entry and each CPU access restores it (remove_device_exclusive_entry), with an invalidation every time. ' +
                'Look for a CPU thread polling or updating data the GPU operates on atomically (a lock word, a counter), keep such data in device memory or on separate pages, or batch the device atomics.',
              as: first.as,
              start: vpn * PAGE_SIZE,
              end: vpn * PAGE_SIZE + PAGE_SIZE,
              fromTs: first.ts,
              toTs: last.ts,
              eventIds: trips.map((s) => s.ev.id),
              pid: first.pid,
              comm: first.comm,
            }),
          );
        }
        trips = [];
        round = 0;
      };
      for (const s of steps) {
        const prev = trips[trips.length - 1];
        if (prev && s.ev.ts - prev.ev.ts > windowNs) flush();
        if (trips.length > 0 && !s.make && trips[trips.length - 1].make) round++;
        trips.push(s);
      }
      flush();
    }
  },
);
