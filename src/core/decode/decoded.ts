/**
 * The decoded form of one raw event: what the decoder tells the model about it. One object shape for every
 * event (all attributes present, in one order), so the model build reads it monomorphically and can reuse a
 * single object for a whole trace (Decoder.decodeInto).
 */

import type { DomainKind, DriverCallback, NotifierEvent } from '../model/types';
import type { FunctionInfo } from './functions';
import type { DecodedPte } from './pte';

export type Resolution = 'symbol' | 'definition' | 'address' | 'well-known' | 'tracepoint' | 'none';

export interface DecodedEvent {
  kind: DomainKind;
  func?: string;
  role?: FunctionInfo['role'];
  driver?: DriverCallback['driver'];
  /** Entry of a function call (kprobe, fprobe entry, function tracer, funcgraph entry). */
  entry: boolean;
  /** Return of a function call (kretprobe, fprobe exit, funcgraph exit). */
  ret: boolean;
  /** funcgraph leaf `func();`: entry and exit on one line. */
  leaf: boolean;
  durationNs?: number;
  resolvedBy: Resolution;
  addr?: number;
  start?: number;
  end?: number;
  notifierEvent?: NotifierEvent;
  eventNum?: number;
  owner?: string;
  blockable?: boolean;
  retVal?: number;
  /** migrate_vma.flags (MIGRATE_VMA_SELECT_*). */
  selectFlags?: number;
  cpages?: number;
  npages?: number;
  faultPage?: string;
  mm?: string;
  src0?: bigint;
  dst0?: bigint;
  pte?: DecodedPte;
  /** The PTE value as printed, for stores that decode it on demand. */
  pteRaw?: bigint;
  /** Syscalls: the name without `sys_`/`sys_enter_` and, for munmap/mprotect/madvise, the range. */
  syscall?: string;
  /** sched_process_fork */
  childPid?: number;
  childComm?: string;
  /** sched_process_exit / fork parent */
  taskPid?: number;
  /** sched_switch into an uninterruptible sleep */
  blocked?: boolean;
  /** tracing_mark_write text */
  text?: string;
}

/**
 * Resets `o` to a decoded event of `kind` with every other attribute cleared. Every DecodedEvent the decoder
 * makes has all attributes present in this order, so the model build reads them from one object shape, and
 * decodeInto() can fill the same object for every event of a trace.
 */
export function reset(o: DecodedEvent, kind: DomainKind, entry: boolean, ret: boolean, leaf: boolean, resolvedBy: Resolution): DecodedEvent {
  o.kind = kind;
  o.func = undefined;
  o.role = undefined;
  o.driver = undefined;
  o.entry = entry;
  o.ret = ret;
  o.leaf = leaf;
  o.durationNs = undefined;
  o.resolvedBy = resolvedBy;
  o.addr = undefined;
  o.start = undefined;
  o.end = undefined;
  o.notifierEvent = undefined;
  o.eventNum = undefined;
  o.owner = undefined;
  o.blockable = undefined;
  o.retVal = undefined;
  o.selectFlags = undefined;
  o.cpages = undefined;
  o.npages = undefined;
  o.faultPage = undefined;
  o.mm = undefined;
  o.src0 = undefined;
  o.dst0 = undefined;
  o.pte = undefined;
  o.pteRaw = undefined;
  o.syscall = undefined;
  o.childPid = undefined;
  o.childComm = undefined;
  o.taskPid = undefined;
  o.blocked = undefined;
  o.text = undefined;
  return o;
}

/** A fresh decoded event (every attribute present, see reset()). */
export function blankDecoded(): DecodedEvent {
  return reset({} as DecodedEvent, 'generic', false, false, false, 'none');
}
