/**
 * The origin of an invalidation as the replay sees it: the attached stack first, then the chain of enclosing
 * call spans, then the task's syscall, then what the event itself implies in its context (an EXCLUSIVE inside
 * make_device_exclusive, a MIGRATE inside an open migration, the whole-mm UNMAP of exit).
 */

import type { EventStore } from './store';
import type { ChainOrigins } from './chainOrigins';
import type { InvalidationOrigin, InvalidationRecord } from './types';
import type { Invalidation } from './records/invalidations';
import type { Migration } from './records/migrations';
import { originFromSyscall } from '../decode/origin';

export interface OpenMigration {
  rec: Migration;
  /** page → its state before the migration took it */
  pending: Map<number, number>;
  /** The pages whose migration PTE was removed (a second removal is a fork relative's). */
  removed: Set<number>;
  sawPteRemove: boolean;
  inSetup: boolean;
  innerMoved: number;
  innerEagain: number;
  innerSeen: boolean;
  outerMoved: number;
  outerEagain: number;
}

export interface TaskContext {
  migration?: OpenMigration;
  invStack: Invalidation[];
  syscall?: string;
  munmapRange?: [number, number];
  inMigrateToRam: number;
  inSwapFault: number;
  inExclusive: number;
}

export const HIGH_ADDR = 2 ** 63;

export type OriginOf = { origin: InvalidationOrigin; evidence: string[] };

/**
 * Origin evidence lists repeat endlessly (`stack`, `try_to_migrate_one`): share one array per distinct list.
 * Looked up word by word in a trie, so a lookup builds no joined key string.
 */
interface EvidenceNode {
  next: Map<string, EvidenceNode>;
  list?: string[];
}
const evidenceRoot: EvidenceNode = { next: new Map() };
/** The shared lists themselves: one asked for again (originOf's stack answers) is found without the trie walk. */
const shared = new WeakSet<string[]>();
export function sharedEvidence(e: string[]): string[] {
  if (shared.has(e)) return e;
  let node = evidenceRoot;
  for (const w of e) {
    let n = node.next.get(w);
    if (!n) node.next.set(w, (n = { next: new Map() }));
    node = n;
  }
  if (node.list === undefined) {
    node.list = e;
    shared.add(e);
  }
  return node.list;
}

/**
 * originOf's answer for each stack origin (a stack's origin is one shared object per distinct stack,
 * decode/origin.ts): one answer, its evidence list made once, instead of a new list per invalidation.
 */
const byStackOrigin = new WeakMap<object, OriginOf>();

function fromStack(s: { origin: InvalidationOrigin; evidence: readonly string[] }): OriginOf {
  let o = byStackOrigin.get(s);
  if (o === undefined) byStackOrigin.set(s, (o = { origin: s.origin, evidence: sharedEvidence(['stack', ...s.evidence]) }));
  return o;
}

export function originOf(store: EventStore, chains: ChainOrigins, id: number, t: TaskContext, rec: InvalidationRecord): OriginOf {
  const x = store.extra(id);
  if (x?.stackOrigin) return fromStack(x.stackOrigin);
  const s = store.span.get(id);
  if (s >= 0) {
    const o = chains.of(s);
    if (o) return { origin: o.origin, evidence: ['span', ...o.evidence] };
  }
  const sc = originFromSyscall(t.syscall);
  if (sc) return { origin: sc, evidence: ['syscall', `sys_${t.syscall}`] };
  const m = t.migration;
  switch (rec.event) {
    case 'UNMAP':
      if (rec.end >= HIGH_ADDR) return { origin: 'exit', evidence: ['event', 'UNMAP of the whole address space'] };
      break;
    case 'MIGRATE':
      if (m) return { origin: m.inSetup ? 'migrate_vma_setup' : 'migrate_vma_pages', evidence: ['event', 'inside the open migration'] };
      break;
    case 'EXCLUSIVE':
      if (t.inExclusive > 0) return { origin: 'make_device_exclusive', evidence: ['event', 'inside make_device_exclusive'] };
      if (t.inSwapFault > 0) return { origin: 'remove_device_exclusive_entry', evidence: ['event', 'inside do_swap_page'] };
      break;
    case 'CLEAR':
      if (m?.inSetup) return { origin: 'try_to_migrate_one', evidence: ['event', 'inside migrate_vma_setup unmap'] };
      break;
    case 'PROTECTION_VMA':
      return { origin: 'mprotect', evidence: ['event', 'PROTECTION_VMA is issued by change_protection'] };
    default:
      break;
  }
  return { origin: 'unknown', evidence: [] };
}

/** unmap_vmas/zap alone does not say who unmapped: the whole-mm UNMAP is exit, a syscall names the rest. */
export function refine(o: OriginOf, rec: InvalidationRecord, t: TaskContext): OriginOf {
  if (o.origin === 'migrate_to_ram') return restoreOfExclusive(o, rec);
  if (o.origin !== 'zap') return o;
  if (rec.event === 'UNMAP' && rec.end >= HIGH_ADDR) return { origin: 'exit' as const, evidence: [...o.evidence, 'UNMAP of the whole address space'] };
  const sc = originFromSyscall(t.syscall);
  return sc ? { origin: sc, evidence: [...o.evidence, `sys_${t.syscall}`] } : o;
}


/**
 * do_swap_page reaches the notifier by two roads: a device-private entry goes to the driver's migrate_to_ram
 * (MIGRATE with the driver's owner), a device-exclusive entry to remove_device_exclusive_entry, which is
 * static and usually inlined, so its frame is missing. That one sends EXCLUSIVE with owner NULL up to 6.14
 * and CLEAR (owner NULL) from 6.15 (reference §4.7). When do_swap_page alone decided, the event tells them apart.
 */
function restoreOfExclusive(o: OriginOf, rec: InvalidationRecord): OriginOf {
  const viaDriver = o.evidence.some((f) => f !== 'do_swap_page' && f !== 'stack' && f !== 'span' && f !== 'caller');
  const ownerNull = rec.owner === undefined || /^(0x)?0+$/.test(rec.owner);
  if (viaDriver || !ownerNull || (rec.event !== 'EXCLUSIVE' && rec.event !== 'CLEAR')) return o;
  return { origin: 'remove_device_exclusive_entry', evidence: [...o.evidence, `${rec.event} owner NULL from do_swap_page`] };
}
