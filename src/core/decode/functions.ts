/**
 * What each kernel function (or tracepoint) on the HMM paths means: the domain kind of its entry and of its
 * return, and which driver owns it. Names are the kernel's, across 6.1 → 6.15 (renames noted). Compiler
 * suffixes (`.constprop.0`, `.isra.0`, `.part.0`, `.cold`) are stripped before lookup.
 */

import type { DomainKind, DriverCallback } from '../model/types';

export interface FunctionInfo {
  entry: DomainKind;
  ret: DomainKind;
  driver?: DriverCallback['driver'];
  /** Role used by the model: which record or state transition the function drives. */
  role?:
    | 'mn-start'
    | 'mn-end'
    | 'driver-invalidate'
    | 'migrate-setup'
    | 'migrate-unmap'
    | 'migrate-pages'
    | 'migrate-finalize'
    | 'migrate-to-ram'
    | 'move-mapping'
    | 'exclusive-make'
    | 'exclusive-one'
    | 'exclusive-restore'
    | 'swap-fault'
    | 'device-range';
}

const T: Record<string, FunctionInfo> = {};
function def(names: string[], info: FunctionInfo): void {
  for (const n of names) T[n] = info;
}

// mmu_notifier core (mm/mmu_notifier.c): no tracepoints upstream, kprobes only (reference §3.4)
def(['__mmu_notifier_invalidate_range_start', 'mmu_notifier_invalidate_range_start', 'mmu_notifier_invalidate_range_start_nonblock'], { entry: 'invalidate-start', ret: 'generic', role: 'mn-start' });
def(['__mmu_notifier_invalidate_range_end', 'mmu_notifier_invalidate_range_end', 'mmu_notifier_invalidate_range_only_end'], { entry: 'invalidate-end', ret: 'generic', role: 'mn-end' });
def(['__mmu_notifier_invalidate_range', 'mmu_notifier_invalidate_range', '__mmu_notifier_arch_invalidate_secondary_tlbs', 'mmu_notifier_arch_invalidate_secondary_tlbs'], { entry: 'invalidate-secondary', ret: 'generic' });
def(['mn_itree_invalidate', 'mn_hlist_invalidate_range_start'], { entry: 'generic', ret: 'generic' });
// driver notifier callbacks
def(['dmirror_interval_invalidate', 'dmirror_snapshot_invalidate'], { entry: 'driver-invalidate', ret: 'driver-invalidate-ret', driver: 'dmirror', role: 'driver-invalidate' });
def(['nouveau_svmm_invalidate_range_start', 'nouveau_svm_range_invalidate', 'nouveau_svmm_invalidate'], { entry: 'driver-invalidate', ret: 'driver-invalidate-ret', driver: 'nouveau', role: 'driver-invalidate' });
def(['svm_range_cpu_invalidate_pagetables', 'amdgpu_hmm_invalidate_svm', 'amdgpu_hmm_invalidate_gfx', 'amdgpu_hmm_invalidate_hsa'], { entry: 'driver-invalidate', ret: 'driver-invalidate-ret', driver: 'amdkfd', role: 'driver-invalidate' });
def(['xe_svm_invalidate', 'drm_gpusvm_notifier_invalidate', 'xe_vma_userptr_invalidate'], { entry: 'driver-invalidate', ret: 'driver-invalidate-ret', driver: 'xe', role: 'driver-invalidate' });
// device migration (mm/migrate_device.c)
def(['migrate_vma_setup'], { entry: 'migrate-setup', ret: 'migrate-setup-ret', role: 'migrate-setup' });
def(['migrate_vma_collect', 'migrate_vma_collect_pmd', 'migrate_vma_collect_hole'], { entry: 'migrate-collect', ret: 'generic' });
def(['migrate_device_unmap', 'migrate_vma_unmap'], { entry: 'migrate-unmap', ret: 'migrate-unmap-ret', role: 'migrate-unmap' });
def(['migrate_vma_pages', 'migrate_device_pages', '__migrate_device_pages'], { entry: 'migrate-pages', ret: 'generic', role: 'migrate-pages' });
def(['migrate_vma_finalize', 'migrate_device_finalize', '__migrate_device_finalize'], { entry: 'migrate-finalize', ret: 'generic', role: 'migrate-finalize' });
def(['migrate_device_range', 'migrate_device_pfns'], { entry: 'migrate-device-range', ret: 'generic', role: 'device-range' });
def(['folio_migrate_mapping', 'migrate_page_move_mapping', 'migrate_folio', 'migrate_folio_extra', '__folio_migrate_mapping'], { entry: 'move-mapping', ret: 'move-mapping-ret', role: 'move-mapping' });
def(['remove_migration_ptes'], { entry: 'remove-migration-ptes', ret: 'generic' });
def(['try_to_migrate', 'try_to_migrate_one'], { entry: 'try-to-migrate', ret: 'generic' });
def(['migrate_vma_insert_page'], { entry: 'migrate-pages', ret: 'generic' });
// faults
def(['handle_mm_fault', 'do_user_addr_fault', 'exc_page_fault'], { entry: 'cpu-fault', ret: 'generic' });
def(['do_swap_page'], { entry: 'swap-fault', ret: 'swap-fault-ret', role: 'swap-fault' });
def(['dmirror_devmem_fault'], { entry: 'migrate-to-ram', ret: 'migrate-to-ram-ret', driver: 'dmirror', role: 'migrate-to-ram' });
def(['nouveau_dmem_migrate_to_ram'], { entry: 'migrate-to-ram', ret: 'migrate-to-ram-ret', driver: 'nouveau', role: 'migrate-to-ram' });
def(['svm_migrate_to_ram'], { entry: 'migrate-to-ram', ret: 'migrate-to-ram-ret', driver: 'amdkfd', role: 'migrate-to-ram' });
def(['xe_svm_migrate_to_ram', 'drm_pagemap_migrate_to_ram', 'xe_devm_migrate_to_ram'], { entry: 'migrate-to-ram', ret: 'migrate-to-ram-ret', driver: 'xe', role: 'migrate-to-ram' });
def(['hmm_range_fault'], { entry: 'hmm-range-fault', ret: 'hmm-range-fault-ret' });
def(['nouveau_svm_fault', 'nouveau_range_fault', 'nouveau_atomic_range_fault'], { entry: 'device-fault', ret: 'generic', driver: 'nouveau' });
def(['svm_range_restore_pages'], { entry: 'device-fault', ret: 'generic', driver: 'amdkfd' });
def(['xe_svm_handle_pagefault', 'drm_gpusvm_range_get_pages'], { entry: 'device-fault', ret: 'generic', driver: 'xe' });
def(['dmirror_fault', 'dmirror_range_fault'], { entry: 'device-fault', ret: 'generic', driver: 'dmirror' });
// device-exclusive (mm/rmap.c; 6.15 replaced the _range form)
def(['make_device_exclusive_range', 'make_device_exclusive'], { entry: 'exclusive-make', ret: 'exclusive-make-ret', role: 'exclusive-make' });
def(['page_make_device_exclusive_one', 'folio_make_device_exclusive'], { entry: 'exclusive-one', ret: 'generic', role: 'exclusive-one' });
def(['restore_exclusive_pte', 'remove_device_exclusive_entry', 'try_restore_exclusive_pte'], { entry: 'exclusive-restore', ret: 'generic', role: 'exclusive-restore' });
// THP splits (no tracepoint exists for them)
def(['__split_huge_pmd', 'split_huge_pmd_address', 'split_huge_page_to_list', 'split_huge_page_to_list_to_order', '__split_huge_pmd_locked', 'split_huge_pmd_locked', 'split_folio_to_list', '__split_huge_page'], { entry: 'thp-split', ret: 'thp-split-ret' });
// waits
def(['migration_entry_wait', 'migration_entry_wait_on_locked', 'pmd_migration_entry_wait', 'migration_entry_wait_huge', '__migration_entry_wait'], { entry: 'migration-wait', ret: 'generic' });
// context
def(['change_protection', 'change_prot_numa'], { entry: 'change-protection', ret: 'change-protection-ret' });
def(['copy_page_range'], { entry: 'copy-page-range', ret: 'generic' });
def(['dmirror_devmem_free', 'nouveau_dmem_page_free', 'svm_migrate_page_free', 'xe_devmem_page_free', 'drm_pagemap_page_free'], { entry: 'device-free', ret: 'generic' });
def(['unmap_vmas', 'zap_page_range_single', 'unmap_page_range', 'zap_pte_range'], { entry: 'unmap', ret: 'generic' });

/** Strips compiler suffixes: `dmirror_migrate_to_device.constprop.0` → `dmirror_migrate_to_device`. */
export function baseFunction(sym: string): string {
  const dot = sym.indexOf('.');
  return dot > 0 ? sym.slice(0, dot) : sym;
}

export function functionInfo(sym: string | undefined): FunctionInfo | undefined {
  if (!sym) return undefined;
  return T[sym] ?? T[baseFunction(sym)];
}

/** Tracepoints by name (system optional). */
export const TRACEPOINT_KINDS: Record<string, DomainKind> = {
  set_migration_pte: 'migration-pte-set',
  remove_migration_pte: 'migration-pte-remove',
  set_migration_pmd: 'migration-pmd-set',
  remove_migration_pmd: 'migration-pmd-remove',
  page_fault_user: 'cpu-fault',
  tlb_flush: 'tlb-flush',
  sched_process_fork: 'process-fork',
  sched_process_exit: 'process-exit',
  page_ref_set: 'page-ref',
  page_ref_mod: 'page-ref',
  page_ref_mod_and_test: 'page-ref',
  page_ref_mod_and_return: 'page-ref',
  page_ref_mod_unless: 'page-ref',
  page_ref_freeze: 'page-ref',
  page_ref_unfreeze: 'page-ref',
  tracing_mark_write: 'marker',
};

/**
 * Well-known probe names, for traces whose probe sites are printed as raw addresses and whose definitions
 * were not given: the names used by the test captures (tracelab probes.txt), the reference §5 recipes, and
 * perf probe's defaults (which are the function names themselves, `__return` for returns).
 */
export const WELL_KNOWN_PROBES: Record<string, { func: string; ret: boolean }> = {};
function wk(names: string[], func: string, ret: boolean): void {
  for (const n of names) WELL_KNOWN_PROBES[n] = { func, ret };
}
wk(['mn_start', 'mns', 'mn'], '__mmu_notifier_invalidate_range_start', false);
wk(['mn_start_ret'], '__mmu_notifier_invalidate_range_start', true);
wk(['mn_end', 'mne'], '__mmu_notifier_invalidate_range_end', false);
wk(['mn_inv_range'], '__mmu_notifier_invalidate_range', false);
wk(['mn_inv_secondary_tlbs'], '__mmu_notifier_arch_invalidate_secondary_tlbs', false);
wk(['dmirror_inval', 'dmirror_inv'], 'dmirror_interval_invalidate', false);
wk(['dmirror_inval_ret', 'dmirror_inv_ret'], 'dmirror_interval_invalidate', true);
wk(['dmirror_snap_inval'], 'dmirror_snapshot_invalidate', false);
wk(['mvma_setup', 'mv_setup', 'mvs'], 'migrate_vma_setup', false);
wk(['mvma_setup_ret', 'mv_setup_ret', 'mvs_x'], 'migrate_vma_setup', true);
wk(['mvma_collect_pmd'], 'migrate_vma_collect_pmd', false);
wk(['mdev_unmap'], 'migrate_device_unmap', false);
wk(['mdev_unmap_ret'], 'migrate_device_unmap', true);
wk(['mvma_pages', 'mv_pages'], 'migrate_vma_pages', false);
wk(['mvma_finalize', 'mv_final'], 'migrate_vma_finalize', false);
wk(['mvma_insert'], 'migrate_vma_insert_page', false);
wk(['mfolio_extra'], 'migrate_folio_extra', false);
wk(['mfolio_extra_ret'], 'migrate_folio_extra', true);
wk(['folio_mig_mapping', 'fmm'], 'folio_migrate_mapping', false);
wk(['folio_mig_mapping_ret', 'fmm_ret'], 'folio_migrate_mapping', true);
wk(['rm_mig_ptes'], 'remove_migration_ptes', false);
wk(['try_to_migrate'], 'try_to_migrate', false);
wk(['mig_entry_wait', 'mew'], 'migration_entry_wait', false);
wk(['mde_range', 'mdexr'], 'make_device_exclusive_range', false);
wk(['mde_range_ret'], 'make_device_exclusive_range', true);
wk(['mdex'], 'make_device_exclusive', false);
wk(['mk_dev_excl_one'], 'page_make_device_exclusive_one', false);
wk(['folio_mk_dev_excl'], 'folio_make_device_exclusive', false);
wk(['restore_excl_pte'], 'restore_exclusive_pte', false);
wk(['try_restore_excl'], 'try_restore_exclusive_pte', false);
wk(['do_swap_page'], 'do_swap_page', false);
wk(['do_swap_page_ret'], 'do_swap_page', true);
wk(['devmem_fault'], 'dmirror_devmem_fault', false);
wk(['devmem_fault_ret'], 'dmirror_devmem_fault', true);
wk(['devmem_free'], 'dmirror_devmem_free', false);
wk(['hmm_range_fault'], 'hmm_range_fault', false);
wk(['hmm_range_fault_ret'], 'hmm_range_fault', true);
wk(['split_pmd', 'split'], '__split_huge_pmd', false);
wk(['split_pmd_addr'], 'split_huge_pmd_address', false);
wk(['split_huge_page'], 'split_huge_page_to_list', false);
wk(['split_huge_page_ret'], 'split_huge_page_to_list', true);
wk(['change_prot'], 'change_protection', false);
wk(['change_prot_ret'], 'change_protection', true);
wk(['copy_page_range'], 'copy_page_range', false);
wk(['nv_mni'], 'nouveau_svm_range_invalidate', false);
wk(['nv_mn'], 'nouveau_svmm_invalidate_range_start', false);

/** perf probe default names: the function itself, `func__return` for the return probe. */
export function wellKnownProbe(name: string): { func: string; ret: boolean } | undefined {
  const w = WELL_KNOWN_PROBES[name];
  if (w) return w;
  if (name.endsWith('__return')) {
    const f = name.slice(0, -'__return'.length);
    if (functionInfo(f)) return { func: f, ret: true };
  }
  if (name.endsWith('__exit')) {
    const f = name.slice(0, -'__exit'.length);
    if (functionInfo(f)) return { func: f, ret: true };
  }
  const entry = name.endsWith('__entry') ? name.slice(0, -'__entry'.length) : name;
  if (functionInfo(entry)) return { func: entry, ret: false };
  return undefined;
}
