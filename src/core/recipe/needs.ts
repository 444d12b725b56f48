/**
 * Which findings need which events. A rule that cannot decide says "needs a kretprobe on migrate_vma_setup";
 * this table is the other half: given a rule id, the probes (by event name, resolved per kernel and driver)
 * and tracepoints that let it decide. Names that do not exist on a kernel (mde_range on 6.15+, mdex before)
 * are simply skipped when the recipe resolves them.
 */

import type { RuleId } from '../detect/types';

export interface RuleNeeds {
  /** Probe event names (core and driver); `@driver-inval`, `@driver-inval-ret`, `@migrate-to-ram` expand per driver. */
  probes: string[];
  /** `system:event` or `system`. */
  tracepoints: string[];
  /** The stacks on the notifier hook are what classifies the origin. */
  stacks?: boolean;
  why: string;
}

export const RULE_NEEDS: Record<string, RuleNeeds> = {
  'refcount/pages-not-collected': {
    probes: ['mvma_setup', 'mvma_setup_ret', 'mdev_unmap', 'mdev_unmap_ret', 'mvma_pages', 'mvma_finalize'],
    tracepoints: ['migrate'],
    why: 'compares npages with cpages at migrate_vma_pages and the pages left after migrate_device_unmap',
  },
  'refcount/move-mapping-eagain': {
    probes: ['folio_mig_mapping', 'folio_mig_mapping_ret', 'mfolio_extra', 'mfolio_extra_ret', 'mvma_pages'],
    tracepoints: [],
    why: 'needs the return value of folio_migrate_mapping (-EAGAIN = extra reference at move time)',
  },
  'refcount/fault-livelock': {
    probes: ['do_swap_page', 'do_swap_page_ret', '@migrate-to-ram', 'mvma_setup', 'mvma_setup_ret', 'mvma_pages'],
    tracepoints: ['exceptions:page_fault_user', 'migrate'],
    why: 'counts CPU faults and migrate_to_ram calls per address with no completed migration in between',
  },
  'refcount/migration-entry-wait': {
    probes: ['mig_entry_wait', 'migration_entry_wait_on_locked', 'mvma_setup', 'mvma_finalize'],
    tracepoints: ['sched:sched_switch'],
    stacks: true,
    why: 'needs migration_entry_wait hits (and D-state sleeps with stacks) inside an open migration window',
  },
  'refcount/long-migration-window': {
    probes: ['mvma_setup', 'mvma_setup_ret', 'mvma_pages', 'mvma_finalize'],
    tracepoints: ['migrate'],
    why: 'measures setup to finalize per range',
  },
  'refcount/exclusive-conversion-failed': {
    probes: ['mde_range', 'mde_range_ret', 'mdex', 'make_device_exclusive__return', 'mk_dev_excl_one'],
    tracepoints: [],
    why: 'needs the return value of make_device_exclusive[_range] and the per-PTE conversions',
  },
  'invalidation/split-clear': {
    probes: ['mn_start', 'mn_end', 'split_pmd', 'split_pmd_addr', 'split_huge_page', '@driver-inval'],
    tracepoints: ['thp', 'migrate', 'tlb:tlb_flush'],
    stacks: true,
    why: 'a 2 MiB CLEAR from __split_huge_pmd with no THP or PTE activity after it (stack on mn_start shows the origin)',
  },
  'invalidation/self-during-migration': {
    probes: ['mn_start', 'mvma_setup', 'mvma_setup_ret', 'try_to_migrate', 'split_pmd', '@driver-inval'],
    tracepoints: ['migrate'],
    stacks: true,
    why: 'a CLEAR nested inside the same task\'s migrate_vma_setup window (try_to_migrate_one, split)',
  },
  'invalidation/no-op-migration': {
    probes: ['mn_start', 'mvma_setup', 'mvma_setup_ret', 'mvma_pages', 'mvma_finalize', '@driver-inval'],
    tracepoints: ['migrate'],
    why: 'a MIGRATE invalidation for a migration that moved nothing (cpages == 0)',
  },
  'invalidation/duplicate': {
    probes: ['mn_start', 'mn_end', '@driver-inval', 'do_swap_page'],
    tracepoints: ['migrate', 'tlb:tlb_flush', 'exceptions:page_fault_user', 'syscalls'],
    why: 'the same (event, range) twice with no PTE-changing event in between',
  },
  'invalidation/permission-upgrade': {
    probes: ['mn_start', 'change_prot', 'change_prot_ret', '@driver-inval'],
    tracepoints: ['syscalls', 'tlb:tlb_flush'],
    why: 'a PROTECTION_VMA invalidation whose change_protection changed no PTE, or only added permissions',
  },
  'invalidation/unfiltered-own': {
    probes: ['mn_start', '@driver-inval', '@driver-inval-ret', 'mvma_setup', 'mde_range', 'mdex'],
    tracepoints: [],
    why: 'the driver callback receives its own MIGRATE/EXCLUSIVE (owner == its pgmap owner) and does real work',
  },
  'invalidation/exclusive-ping-pong': {
    probes: ['mde_range', 'mdex', 'mk_dev_excl_one', 'restore_excl_pte', 'do_swap_page', 'mn_start', '@driver-inval'],
    tracepoints: ['exceptions:page_fault_user'],
    why: 'make_device_exclusive on X, a CPU fault restoring X, and again, repeatedly',
  },
};

/** Driver-specific expansions of the `@` placeholders above. */
export const DRIVER_ROLE_PROBES: Record<string, Record<string, string[]>> = {
  '@driver-inval': {
    test_hmm: ['dmirror_inval', 'dmirror_snap_inval'],
    nouveau: ['nv_mn', 'nv_mni', 'nouveau_svmm_invalidate'],
    amdkfd: ['svm_range_cpu_invalidate_pagetables'],
    xe: ['xe_svm_invalidate', 'drm_gpusvm_notifier_invalidate'],
    generic: [],
  },
  '@driver-inval-ret': {
    test_hmm: ['dmirror_inval_ret'],
    nouveau: ['nouveau_svmm_invalidate_range_start__return', 'nouveau_svm_range_invalidate__return'],
    amdkfd: ['svm_range_cpu_invalidate_pagetables__return'],
    xe: [],
    generic: [],
  },
  '@migrate-to-ram': {
    test_hmm: ['devmem_fault', 'devmem_fault_ret'],
    nouveau: ['nouveau_dmem_migrate_to_ram', 'nouveau_dmem_migrate_to_ram__return'],
    amdkfd: ['svm_migrate_to_ram', 'svm_migrate_to_ram__return'],
    xe: [],
    generic: [],
  },
};

export function isRuleId(s: string): s is RuleId {
  return Object.prototype.hasOwnProperty.call(RULE_NEEDS, s);
}
