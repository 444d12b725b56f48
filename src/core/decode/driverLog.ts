/**
 * Driver debug messages that stand in for missing tracepoints (reference §3.5–§3.7), as they reach a trace
 * through `printk:console`, a merged dmesg, or trace_printk:
 *   nouveau  SVMM_DBG "invalidate %016lx-%016lx" (hex without 0x, printed before the MIGRATE owner filter)
 *            SVMM_DBG "addr %016llx" (per serviced GPU fault), SVM_DBG "fault %016llx %016llx %02x"
 *   amdkfd   svm_range_cpu_invalidate_pagetables "[0x%lx 0x%lx] range[0x%lx 0x%lx] notifier[...] %d"
 *            (page numbers, not addresses; the last %d is the mmu_notifier_event)
 *   xe       "INVALIDATE: asid=%u, gpusvm=%p, seqno=%lu, start=0x%016lx, end=0x%016lx, event=%d"
 */

import type { DomainKind, NotifierEvent } from '../model/types';
import { notifierEventFrom } from './enums';

export interface DriverLogEvent {
  kind: DomainKind;
  driver: 'nouveau' | 'amdkfd' | 'xe' | 'dmirror';
  func: string;
  start?: number;
  end?: number;
  addr?: number;
  event?: NotifierEvent;
  eventNum?: number;
}

const hexNo0x = (s: string) => Number(BigInt(`0x${s}`));

export function decodeDriverLog(text: string): DriverLogEvent | undefined {
  let m = /svm-[0-9a-fx]+: invalidate ([0-9a-f]{1,16})-([0-9a-f]{1,16})\b/i.exec(text);
  if (m) return { kind: 'driver-invalidate', driver: 'nouveau', func: 'nouveau_svmm_invalidate_range_start', start: hexNo0x(m[1]), end: hexNo0x(m[2]) };
  m = /svm-[0-9a-fx]+: addr ([0-9a-f]{1,16})\b/i.exec(text);
  if (m) return { kind: 'device-fault', driver: 'nouveau', func: 'nouveau_svm_fault', addr: hexNo0x(m[1]) };
  m = /\bsvm: fault ([0-9a-f]{16}) ([0-9a-f]{16}) ([0-9a-f]{2})\b/i.exec(text);
  if (m) return { kind: 'device-fault', driver: 'nouveau', func: 'nouveau_svm_fault', addr: hexNo0x(m[2]) };
  m = /svm_range_cpu_invalidate_pagetables:?.*?\[0x([0-9a-f]+) 0x([0-9a-f]+)\] range\[0x[0-9a-f]+ 0x[0-9a-f]+\] notifier\[0x[0-9a-f]+ 0x[0-9a-f]+\] (\d+)/i.exec(text);
  if (m) {
    // amdkfd prints page numbers [start, last] inclusive
    const ev = notifierEventFrom(m[3]);
    return { kind: 'driver-invalidate', driver: 'amdkfd', func: 'svm_range_cpu_invalidate_pagetables', start: hexNo0x(m[1]) * 4096, end: (hexNo0x(m[2]) + 1) * 4096, event: ev?.event, eventNum: ev?.num };
  }
  m = /INVALIDATE: asid=\d+, gpusvm=\S+, seqno=\d+, start=0x([0-9a-f]+), end=0x([0-9a-f]+), event=(\d+)/i.exec(text);
  if (m) {
    const ev = notifierEventFrom(m[3]);
    return { kind: 'driver-invalidate', driver: 'xe', func: 'xe_svm_invalidate', start: hexNo0x(m[1]), end: hexNo0x(m[2]), event: ev?.event, eventNum: ev?.num };
  }
  return undefined;
}
