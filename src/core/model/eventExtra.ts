/**
 * The attributes only a few kinds of event carry (a migration's counts, a PTE, a fork's child, a marker's
 * text, the call-chain origin of an invalidation), kept beside the columns in one object per such event.
 */

import type { RawEvent } from '../ingest/types';
import type { DecodedEvent } from '../decode/decoder';
import type { OriginResult } from '../decode/origin';

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
