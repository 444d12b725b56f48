/**
 * The attributes only a few kinds of event carry (a migration's counts, a PTE, a fork's child, a marker's
 * text, the call-chain origin of an invalidation), kept beside the columns in one object per such event.
 */

import type { RawEvent } from '../ingest/types';
import type { DecodedEvent } from '../decode/decoder';
import type { OriginResult } from '../decode/origin';
import type { ExtraTable } from './extraTable';

/** Attributes only a few kinds of event carry. */
export interface EventExtra {
  selectFlags?: number;
  cpages?: number;
  npages?: number;
  faultPage?: string;
  src0?: bigint;
  dst0?: bigint;
  /** A PTE (migration tracepoints, do_swap_page orig_pte), decoded on demand with pteOf(). */
  pteRaw?: bigint;
  childPid?: number;
  childComm?: string;
  taskPid?: number;
  text?: string;
  durationNs?: number;
  stackOrigin?: OriginResult;
  /** kretprobe: the caller the function returned to (`migrate_vma_setup+0x201/0x220` → migrate_vma_setup). */
  caller?: string;
  leaf?: boolean;
  eventNum?: number;
}

/** Extra attributes worth keeping for a decoded event (undefined when none). */
export function extraOf(ev: RawEvent, d: DecodedEvent, stackOrigin: OriginResult | undefined): EventExtra | undefined {
  // fast path: most events carry none of these (no allocation on the hot path)
  if (
    d.selectFlags === undefined && d.cpages === undefined && d.npages === undefined && d.faultPage === undefined &&
    d.src0 === undefined && d.dst0 === undefined && d.pteRaw === undefined && d.childPid === undefined &&
    d.childComm === undefined && d.taskPid === undefined && d.text === undefined && d.durationNs === undefined &&
    stackOrigin === undefined && !d.leaf && d.eventNum === undefined && !(ev.kind === 'kretprobe' && d.role === 'mn-start')
  ) {
    return undefined;
  }
  // one object with only the attributes present (no closure, no per-key helper calls on the hot path)
  const x: EventExtra = {};
  if (d.selectFlags !== undefined) x.selectFlags = d.selectFlags;
  if (d.cpages !== undefined) x.cpages = d.cpages;
  if (d.npages !== undefined) x.npages = d.npages;
  if (d.faultPage !== undefined) x.faultPage = d.faultPage;
  if (d.src0 !== undefined) x.src0 = d.src0;
  if (d.dst0 !== undefined) x.dst0 = d.dst0;
  if (d.pteRaw !== undefined) x.pteRaw = d.pteRaw;
  if (d.childPid !== undefined) x.childPid = d.childPid;
  if (d.childComm !== undefined) x.childComm = d.childComm;
  if (d.taskPid !== undefined) x.taskPid = d.taskPid;
  if (d.text !== undefined) x.text = d.text;
  if (d.durationNs !== undefined) x.durationNs = d.durationNs;
  if (stackOrigin !== undefined) x.stackOrigin = stackOrigin;
  if (d.leaf) x.leaf = true;
  if (d.eventNum !== undefined && (d.notifierEvent === 'UNKNOWN' || d.notifierEvent === undefined)) x.eventNum = d.eventNum;
  // the caller of a range_start return names the invalidation's origin (used by the replay)
  if (ev.kind === 'kretprobe' && ev.probe?.symbol && d.role === 'mn-start') x.caller = ev.probe.symbol;
  return Object.keys(x).length > 0 ? x : undefined;
}

/**
 * extras.add(extraOf(ev, d, stackOrigin)) (-1 when there is none), without the object for the shapes the
 * table packs or shares (a PTE, a migration's counts and PFNs, a fault page with its count or flags, a stack
 * origin, a range_start caller): those are ~25% of a trace's events, and the object and its key walk in
 * add() cost more than the row.
 */
export function extraRef(extras: ExtraTable, ev: RawEvent, d: DecodedEvent, stackOrigin: OriginResult | undefined): number {
  const sel = d.selectFlags !== undefined;
  const cp = d.cpages !== undefined;
  const np = d.npages !== undefined;
  const fp = d.faultPage !== undefined;
  const s0 = d.src0 !== undefined;
  const d0 = d.dst0 !== undefined;
  const pte = d.pteRaw !== undefined;
  // extraOf's other keys, as it decides them
  const rest =
    d.childPid !== undefined || d.childComm !== undefined || d.taskPid !== undefined || d.text !== undefined || d.durationNs !== undefined ||
    d.leaf || (d.eventNum !== undefined && (d.notifierEvent === 'UNKNOWN' || d.notifierEvent === undefined));
  const caller = ev.kind === 'kretprobe' && d.role === 'mn-start' ? ev.probe?.symbol : undefined;
  if (!rest) {
    const packed = sel || cp || np || fp || s0 || d0 || pte;
    let r = -1;
    if (!packed) {
      if (stackOrigin === undefined && !caller) return -1;
      if (caller === undefined || caller === '') r = extras.addOrigin(stackOrigin!);
      else if (stackOrigin === undefined) r = extras.addCaller(caller);
    } else if (stackOrigin === undefined && !caller) {
      if (pte) {
        if (!sel && !cp && !np && !fp && !s0 && !d0) r = extras.addPte(d.pteRaw!);
      } else if (cp && np && s0 && d0) {
        if (!sel && !fp) r = extras.addMigrate(d.cpages!, d.npages!, d.src0!, d.dst0!);
      } else if (fp && !cp && !s0 && !d0) {
        if (np && !sel) r = extras.addFaultN(d.npages!, d.faultPage!);
        else if (sel && !np) r = extras.addFaultSel(d.selectFlags!, d.faultPage!);
      }
    }
    if (r >= 0) return r;
  }
  const x = extraOf(ev, d, stackOrigin);
  return x === undefined ? -1 : extras.add(x);
}
