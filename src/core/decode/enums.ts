/**
 * Kernel enums and bit sets that appear as numbers in probe fields, decoded into the kernel's names.
 * Sources: include/linux/mmu_notifier.h, include/linux/migrate.h, include/linux/mm_types.h (vm_fault_reason).
 */

import type { NotifierEvent } from '../model/types';

/** `enum mmu_notifier_event`, by value (stable since 5.14: MIGRATE=6 arrived in 5.9, EXCLUSIVE=7 in 5.14). */
export const NOTIFIER_EVENTS: readonly NotifierEvent[] = [
  'UNMAP',
  'CLEAR',
  'PROTECTION_VMA',
  'PROTECTION_PAGE',
  'SOFT_DIRTY',
  'RELEASE',
  'MIGRATE',
  'EXCLUSIVE',
];

/**
 * Decodes a notifier event written either as its number (kprobe `event=+36(%di):u32`, amdkfd and xe logs
 * print `%d`) or as a name (`MIGRATE`, `MMU_NOTIFY_MIGRATE`, `mmu_notify_migrate`, BTF enum printing).
 */
export function notifierEventFrom(value: string | number | undefined): { event: NotifierEvent; num?: number } | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    return { event: NOTIFIER_EVENTS[value] ?? 'UNKNOWN', num: value };
  }
  const v = value.trim();
  if (/^(0x[0-9a-f]+|\d+)$/i.test(v)) {
    const n = Number(v);
    return { event: NOTIFIER_EVENTS[n] ?? 'UNKNOWN', num: n };
  }
  const name = v.toUpperCase().replace(/^MMU_NOTIFY_/, '');
  const idx = NOTIFIER_EVENTS.indexOf(name as NotifierEvent);
  return idx >= 0 ? { event: NOTIFIER_EVENTS[idx], num: idx } : { event: 'UNKNOWN' };
}

/** `MMU_NOTIFIER_RANGE_BLOCKABLE = 1 << 0` in `mmu_notifier_range.flags`. */
export function isBlockable(flags: number): boolean {
  return (flags & 1) !== 0;
}

/** `enum migrate_vma_direction` bits of `migrate_vma.flags`. */
export const MIGRATE_VMA_SELECT_SYSTEM = 1 << 0;
export const MIGRATE_VMA_SELECT_DEVICE_PRIVATE = 1 << 1;
export const MIGRATE_VMA_SELECT_DEVICE_COHERENT = 1 << 2;
/** THP device-private series (2025); harmless to name on older kernels where the bit is never set. */
export const MIGRATE_VMA_SELECT_COMPOUND = 1 << 3;

export function migrateSelectNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & MIGRATE_VMA_SELECT_SYSTEM) out.push('SYSTEM');
  if (flags & MIGRATE_VMA_SELECT_DEVICE_PRIVATE) out.push('DEVICE_PRIVATE');
  if (flags & MIGRATE_VMA_SELECT_DEVICE_COHERENT) out.push('DEVICE_COHERENT');
  if (flags & MIGRATE_VMA_SELECT_COMPOUND) out.push('COMPOUND');
  const rest = flags & ~0xf;
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/**
 * A `migrate_vma.src[]/dst[]` entry (5.16+ layout): VALID bit 0, MIGRATE bit 1, WRITE bit 3, COMPOUND bit 4
 * (2025 THP series), pfn = entry >> MIGRATE_PFN_SHIFT (6). An entry of 0 means "not collected".
 */
export interface MigratePfn {
  valid: boolean;
  migrate: boolean;
  write: boolean;
  compound: boolean;
  /** Page frame number, exact below 2^53. */
  pfn: number;
  collected: boolean;
}

export function decodeMigratePfn(entry: bigint): MigratePfn {
  return {
    valid: (entry & 1n) !== 0n,
    migrate: (entry & 2n) !== 0n,
    write: (entry & 8n) !== 0n,
    compound: (entry & 16n) !== 0n,
    pfn: Number(entry >> 6n),
    collected: entry !== 0n,
  };
}

export function describeMigratePfn(entry: bigint): string {
  if (entry === 0n) return '0 (not collected)';
  const d = decodeMigratePfn(entry);
  const bits = [d.valid && 'VALID', d.migrate && 'MIGRATE', d.write && 'WRITE', d.compound && 'COMPOUND'].filter(Boolean);
  return `pfn=0x${d.pfn.toString(16)} ${bits.join('|') || 'no flags'}`;
}

/** `enum vm_fault_reason` bits (include/linux/mm_types.h), as returned by handle_mm_fault/do_swap_page. */
const VM_FAULT_BITS: [number, string][] = [
  [0x000001, 'OOM'],
  [0x000002, 'SIGBUS'],
  [0x000004, 'MAJOR'],
  [0x000010, 'HWPOISON'],
  [0x000020, 'HWPOISON_LARGE'],
  [0x000040, 'SIGSEGV'],
  [0x000100, 'NOPAGE'],
  [0x000200, 'LOCKED'],
  [0x000400, 'RETRY'],
  [0x000800, 'FALLBACK'],
  [0x001000, 'DONE_COW'],
  [0x002000, 'NEEDDSYNC'],
  [0x004000, 'COMPLETED'],
];

export function vmFaultNames(ret: number): string[] {
  if (ret === 0) return ['0'];
  const out: string[] = [];
  let rest = ret >>> 0;
  for (const [bit, name] of VM_FAULT_BITS) {
    if (rest & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/** VM_FAULT_ERROR = OOM | SIGBUS | SIGSEGV | HWPOISON | HWPOISON_LARGE | FALLBACK. */
export function vmFaultIsError(ret: number): boolean {
  return (ret & (0x1 | 0x2 | 0x40 | 0x10 | 0x20 | 0x800)) !== 0;
}
