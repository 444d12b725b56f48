/**
 * x86_64 layouts of the structs our probes read, per kernel version range, and the fetch-argument syntax that
 * reads them. Without BTF a kprobe can only say "8 bytes at offset 16 of the first argument register", so the
 * offset has to be right for the running kernel: reading `event` at 28 on a 6.1 kernel silently reports the
 * upper half of `flags`' neighbour. Offsets are the ones the 6.1 and 6.12 kernels accepted and produced
 * correct values with (test/fixtures/traces/k6.*), plus the source-derived ones in the reference §4.
 */

import type { KernelVersion } from './target';
import { atLeast } from './target';

/** System V AMD64 argument registers as kprobe fetch args (`%di` = first argument). */
export const ARG_REGS = ['%di', '%si', '%dx', '%cx', '%r8', '%r9'] as const;

/** Fetch arg for the n-th (1-based) function argument. `$argN` would also do on 4.20+, but the accepted
 * captures use registers, and registers read the same on every x86_64 kernel. */
export function argReg(n: number): string {
  const r = ARG_REGS[n - 1];
  if (!r) throw new Error(`argument ${n} is not passed in a register on x86_64`);
  return r;
}

/** `+OFF(%reg)`: the member at OFF of the struct the n-th argument points to. */
export function member(arg: number, offset: number): string {
  return `+${offset}(${argReg(arg)})`;
}

/**
 * struct mmu_notifier_range (include/linux/mmu_notifier.h). Up to 6.2 it starts with `struct vm_area_struct
 * *vma`, which shifts every member by 8; the member was removed in 6.3 (verified: 6.1 capture reads event at
 * 36, 6.12 capture at 28). The 5.9-5.13 name of `owner` was `migrate_pgmap_owner` (same place).
 */
export interface NotifierRangeLayout {
  mm: number;
  start: number;
  end: number;
  flags: number;
  event: number;
  owner: number;
  hasVma: boolean;
}

export function mmuNotifierRange(k: KernelVersion): NotifierRangeLayout {
  const shift = atLeast(k, 6, 3) ? 0 : 8;
  return { mm: shift, start: 8 + shift, end: 16 + shift, flags: 24 + shift, event: 28 + shift, owner: 32 + shift, hasVma: shift === 8 };
}

/**
 * struct migrate_vma (include/linux/migrate.h): vma 0, dst 8, src 16, cpages 24, npages 32, start 40, end 48,
 * pgmap_owner 56, flags 64, fault_page 72 (fault_page new in 6.1, 16ce101db85d; unchanged through 6.12 per
 * the captures). `src`/`dst` are arrays of migrate pfns; `+0(+16(%di))` reads src[0].
 */
export interface MigrateVmaLayout {
  dst: number;
  src: number;
  cpages: number;
  npages: number;
  start: number;
  end: number;
  pgmapOwner: number;
  flags: number;
  /** null before 6.1 (no fault_page member). */
  faultPage: number | null;
}

export function migrateVma(k: KernelVersion): MigrateVmaLayout {
  return { dst: 8, src: 16, cpages: 24, npages: 32, start: 40, end: 48, pgmapOwner: 56, flags: 64, faultPage: atLeast(k, 6, 1) ? 72 : null };
}

/**
 * struct vm_fault (include/linux/mm.h): a const anonymous struct {vma 0, gfp_mask 8, pgoff 16, address 24,
 * real_address 32}, then flags 40, pmd 48, pud 56, orig_pte 64 (union with orig_pmd), cow_page 72, page 80.
 * Same on 6.1 and 6.12 (both captures read address at 24, page at 80). `real_address` arrived with
 * "userfaultfd: provide unmasked address on page-fault" (believed 5.18, UNVERIFIED); before it `flags` sat
 * at 32 and everything after moved up by 8.
 */
export interface VmFaultLayout {
  address: number;
  flags: number;
  origPte: number;
  page: number;
}

export function vmFault(k: KernelVersion): VmFaultLayout {
  const shift = atLeast(k, 5, 18) ? 0 : -8;
  return { address: 24, flags: 40 + shift, origPte: 64 + shift, page: 80 + shift };
}

/** struct hmm_range (include/linux/hmm.h): notifier 0, notifier_seq 8, start 16, end 24 (stable since 5.7). */
export const HMM_RANGE = { notifierSeq: 8, start: 16, end: 24 } as const;

/** struct vm_area_struct starts with vm_start, vm_end (stable for the kernels we cover). */
export const VMA = { vmStart: 0, vmEnd: 8 } as const;
