/**
 * Probes on core mm functions (vmlinux). mmu_notifier, migrate_vma_* and HMM have no tracepoints (reference
 * §0.1, §3.4), so everything about invalidations and device migration comes from these. Version gates follow
 * the kernels' signatures; the 6.1 and 6.12 forms were accepted by real kernels (k6.*-probes-status.txt).
 */

import { HMM_RANGE, VMA, argReg, member, migrateVma, mmuNotifierRange, vmFault } from './layouts';
import type { ProbeSpec } from './probeSpec';
import { arg } from './probeSpec';
import type { KernelVersion } from './target';

const range = (k: KernelVersion, n: number, withMm: boolean, withFlags: boolean, withOwner: boolean) => {
  const L = mmuNotifierRange(k);
  const a = [arg('start', member(n, L.start), 'x64'), arg('end', member(n, L.end), 'x64')];
  if (withFlags) a.push(arg('flags', member(n, L.flags), 'u32'));
  a.push(arg('event', member(n, L.event), 'u32'));
  if (withOwner) a.push(arg('owner', member(n, L.owner), 'x64'));
  if (withMm) a.push(arg('mm', member(n, L.mm), 'x64'));
  return a;
};

/** The same members by BTF name: `range->start` reads the right offset on every kernel. */
const rangeBtf = (p: string, withMm: boolean, withFlags: boolean, withOwner: boolean) => {
  const a = [arg('start', `${p}->start`, 'x64'), arg('end', `${p}->end`, 'x64')];
  if (withFlags) a.push(arg('flags', `${p}->flags`, 'u32'));
  a.push(arg('event', `${p}->event`, 'u32'));
  if (withOwner) a.push(arg('owner', `${p}->owner`, 'x64'));
  if (withMm) a.push(arg('mm', `${p}->mm`, 'x64'));
  return a;
};

const migrateArgs = (k: KernelVersion) => {
  const L = migrateVma(k);
  return [
    arg('start', member(1, L.start), 'x64'),
    arg('end', member(1, L.end), 'x64'),
    arg('cpages', member(1, L.cpages), 'u64'),
    arg('npages', member(1, L.npages), 'u64'),
    // first entries of the migrate-pfn arrays: pfn << 6 | MIGRATE_PFN_{VALID,MIGRATE,WRITE}
    arg('src0', `+0(${member(1, L.src)})`, 'x64'),
    arg('dst0', `+0(${member(1, L.dst)})`, 'x64'),
  ];
};
const migrateArgsBtf = () => [
  arg('start', 'migrate->start', 'x64'),
  arg('end', 'migrate->end', 'x64'),
  arg('cpages', 'migrate->cpages', 'u64'),
  arg('npages', 'migrate->npages', 'u64'),
  arg('src0', '+0(migrate->src)', 'x64'),
  arg('dst0', '+0(migrate->dst)', 'x64'),
];

/** vm_fault readers shared by do_swap_page and the drivers' migrate_to_ram callbacks. */
export const faultArgs = (k: KernelVersion, withPage: boolean, withOrigPte: boolean) => {
  const L = vmFault(k);
  const a = [arg('address', member(1, L.address), 'x64')];
  if (withOrigPte) a.push(arg('orig_pte', member(1, L.origPte), 'x64'));
  if (withPage) a.push(arg('page', member(1, L.page), 'x64'));
  a.push(arg('fault_flags', member(1, L.flags), 'x32'));
  return a;
};
export const faultArgsBtf = (withPage: boolean, withOrigPte: boolean) => {
  const a = [arg('address', 'vmf->address', 'x64')];
  if (withOrigPte) a.push(arg('orig_pte', 'vmf->orig_pte.pte', 'x64'));
  if (withPage) a.push(arg('page', 'vmf->page', 'x64'));
  a.push(arg('fault_flags', 'vmf->flags', 'x32'));
  return a;
};

const ret = (name: string, type: string) => () => [arg(name, '$retval', type)];

export const CORE_PROBES: ProbeSpec[] = [
  {
    name: 'mn_start', symbol: '__mmu_notifier_invalidate_range_start', kind: 'invalidate-start', stack: true,
    why: 'every invalidation (event, range, owner) of an mm with notifiers; the stack tells who issued it',
    raw: (k) => range(k, 1, true, true, true),
    btf: () => rangeBtf('range', true, true, true),
  },
  {
    name: 'mn_start_ret', symbol: '__mmu_notifier_invalidate_range_start', ret: true,
    why: 'closes the invalidate_range_start span; -EAGAIN (-11) means a non-blockable range was refused',
    raw: ret('ret', 's32'),
  },
  {
    name: 'mn_end', symbol: '__mmu_notifier_invalidate_range_end', kind: 'invalidate-end', until: [6, 6],
    why: 'end of the invalidation window; only_end=1 means the secondary TLB flush was already done',
    raw: (k) => [...range(k, 1, false, false, false), arg('only_end', argReg(2), 'u8')],
    btf: () => [...rangeBtf('range', false, false, false), arg('only_end', 'only_end', 'u8')],
  },
  {
    // 6.6 ("mmu_notifiers: don't invalidate secondary TLBs as part of mmu_notifier_invalidate_range_end()")
    // dropped the only_end argument; the 6.12 capture probes the one-argument form.
    name: 'mn_end', symbol: '__mmu_notifier_invalidate_range_end', kind: 'invalidate-end', since: [6, 6],
    why: 'end of the invalidation window',
    raw: (k) => range(k, 1, false, false, false),
    btf: () => rangeBtf('range', false, false, false),
  },
  {
    name: 'mn_inv_range', symbol: '__mmu_notifier_invalidate_range', kind: 'invalidate-secondary', until: [6, 6],
    why: 'secondary TLB (IOMMU/GPU) invalidation inside the PTE lock',
    raw: () => [arg('start', argReg(2), 'x64'), arg('end', argReg(3), 'x64')],
    btf: () => [arg('start', 'start', 'x64'), arg('end', 'end', 'x64')],
  },
  {
    name: 'mn_inv_secondary_tlbs', symbol: '__mmu_notifier_arch_invalidate_secondary_tlbs', kind: 'invalidate-secondary', since: [6, 6],
    why: 'secondary TLB (IOMMU/GPU) invalidation (renamed from __mmu_notifier_invalidate_range in 6.6)',
    raw: () => [arg('start', argReg(2), 'x64'), arg('end', argReg(3), 'x64')],
    btf: () => [arg('start', 'start', 'x64'), arg('end', 'end', 'x64')],
  },
  {
    name: 'mvma_setup', symbol: 'migrate_vma_setup', kind: 'migrate-setup', stack: true,
    why: 'start of a device migration: range, direction flags (1 SYSTEM, 2 DEVICE_PRIVATE), pgmap owner, fault page',
    raw: (k) => {
      const L = migrateVma(k);
      const a = [
        arg('start', member(1, L.start), 'x64'),
        arg('end', member(1, L.end), 'x64'),
        arg('flags', member(1, L.flags), 'x64'),
        arg('pgmap_owner', member(1, L.pgmapOwner), 'x64'),
      ];
      if (L.faultPage !== null) a.push(arg('fault_page', member(1, L.faultPage), 'x64'));
      return a;
    },
    btf: (k) => {
      const a = [arg('start', 'args->start', 'x64'), arg('end', 'args->end', 'x64'), arg('flags', 'args->flags', 'x64'), arg('pgmap_owner', 'args->pgmap_owner', 'x64')];
      if (migrateVma(k).faultPage !== null) a.push(arg('fault_page', 'args->fault_page', 'x64'));
      return a;
    },
  },
  {
    name: 'mvma_setup_ret', symbol: 'migrate_vma_setup', ret: true, kind: 'migrate-setup-ret',
    why: 'end of collection: events inside the setup window (restores, CLEARs) belong to it',
    raw: ret('ret', 's32'),
  },
  {
    name: 'mvma_collect_pmd', symbol: 'migrate_vma_collect_pmd', kind: 'migrate-collect',
    why: 'page-table walk of the collection (static; probe-able on 6.1 and 6.12)',
    raw: () => [arg('start', argReg(2), 'x64'), arg('end', argReg(3), 'x64')],
    btf: () => [arg('start', 'start', 'x64'), arg('end', 'end', 'x64')],
  },
  {
    name: 'mdev_unmap', symbol: 'migrate_device_unmap', kind: 'migrate-unmap', since: [6, 1],
    why: 'unmap of the collected pages (try_to_migrate fallback, refcount check)',
    raw: () => [arg('npages', argReg(2), 'u64'), arg('fault_page', argReg(3), 'x64')],
    btf: () => [arg('npages', 'npages', 'u64'), arg('fault_page', 'fault_page', 'x64')],
  },
  {
    name: 'mdev_unmap_ret', symbol: 'migrate_device_unmap', ret: true, kind: 'migrate-unmap-ret', since: [6, 1],
    why: 'pages still marked MIGRATE after the refcount check; fewer than collected means pages were dropped',
    raw: ret('unmapped', 'u64'),
  },
  {
    name: 'mvma_pages', symbol: 'migrate_vma_pages', kind: 'migrate-pages',
    why: 'the move: cpages against npages, first src/dst migrate pfns',
    raw: migrateArgs, btf: migrateArgsBtf,
  },
  {
    name: 'mvma_finalize', symbol: 'migrate_vma_finalize', kind: 'migrate-finalize',
    why: 'end of the migration window: migration entries are replaced or restored',
    raw: migrateArgs, btf: migrateArgsBtf,
  },
  {
    // 6.1-6.9: __migrate_device_pages calls migrate_folio_extra(mapping, dst, src, MIGRATE_SYNC_NO_COPY, 1)
    name: 'mfolio_extra', symbol: 'migrate_folio_extra', kind: 'move-mapping', until: [6, 10],
    why: 'the fault page is moved with one extra reference allowed (extra=1)',
    raw: () => [arg('src', argReg(3), 'x64'), arg('dst', argReg(2), 'x64'), arg('mode', argReg(4), 's32'), arg('extra', argReg(5), 's32')],
    btf: () => [arg('src', 'src', 'x64'), arg('dst', 'dst', 'x64'), arg('mode', 'mode', 's32'), arg('extra', 'extra_count', 's32')],
  },
  {
    name: 'mfolio_extra_ret', symbol: 'migrate_folio_extra', ret: true, kind: 'move-mapping-ret', until: [6, 10],
    why: '-EAGAIN (-11): the folio gained a reference after the unmap-time check',
    raw: ret('ret', 's32'),
  },
  {
    name: 'folio_mig_mapping', symbol: 'folio_migrate_mapping', kind: 'move-mapping',
    why: 'the mapping move with the expected reference count (extra = fault page)',
    raw: () => [arg('newfolio', argReg(2), 'x64'), arg('folio', argReg(3), 'x64'), arg('extra', argReg(4), 's32')],
    btf: () => [arg('newfolio', 'newfolio', 'x64'), arg('folio', 'folio', 'x64'), arg('extra', 'extra_count', 's32')],
  },
  {
    name: 'folio_mig_mapping_ret', symbol: 'folio_migrate_mapping', ret: true, kind: 'move-mapping-ret',
    why: '-EAGAIN (-11): refcount changed since migrate_vma_check_page; the page is not migrated',
    raw: ret('ret', 's32'),
  },
  {
    name: 'rm_mig_ptes', symbol: 'remove_migration_ptes', kind: 'remove-migration-ptes', until: [6, 12],
    why: 'migration entries replaced (finalize) or restored (failed page); src == dst means restore',
    raw: () => [arg('src', argReg(1), 'x64'), arg('dst', argReg(2), 'x64'), arg('locked', argReg(3), 'u8')],
    btf: () => [arg('src', 'src', 'x64'), arg('dst', 'dst', 'x64'), arg('locked', 'locked', 'u8')],
  },
  {
    // 6.12 turned `bool locked` into `int flags` (RMP_LOCKED | RMP_USE_SHARED_ZEROPAGE); the 6.12 capture reads it.
    name: 'rm_mig_ptes', symbol: 'remove_migration_ptes', kind: 'remove-migration-ptes', since: [6, 12],
    why: 'migration entries replaced (finalize) or restored (failed page); src == dst means restore',
    raw: () => [arg('src', argReg(1), 'x64'), arg('dst', argReg(2), 'x64'), arg('rmp_flags', argReg(3), 'x32')],
    btf: () => [arg('src', 'src', 'x64'), arg('dst', 'dst', 'x64'), arg('rmp_flags', 'flags', 'x32')],
  },
  {
    name: 'try_to_migrate', symbol: 'try_to_migrate', kind: 'try-to-migrate',
    why: 'rmap unmap fallback: issues an unfilterable CLEAR (owner NULL) and set_migration_pte',
    raw: () => [arg('folio', argReg(1), 'x64'), arg('ttu_flags', argReg(2), 'x32')],
    btf: () => [arg('folio', 'folio', 'x64'), arg('ttu_flags', 'flags', 'x32')],
  },
  {
    name: 'mig_entry_wait', symbol: 'migration_entry_wait', kind: 'migration-wait',
    why: 'a CPU fault found a migration entry and waits for the migration to finish',
    raw: () => [arg('address', argReg(3), 'x64')],
    btf: () => [arg('address', 'address', 'x64')],
  },
  {
    name: 'mde_range', symbol: 'make_device_exclusive_range', kind: 'exclusive-make', until: [6, 15], stack: true,
    why: 'device-exclusive (atomic) access requested; its GUP may split a PMD (spurious 2 MiB CLEAR)',
    raw: () => [arg('start', argReg(2), 'x64'), arg('end', argReg(3), 'x64'), arg('owner', argReg(5), 'x64')],
    btf: () => [arg('start', 'start', 'x64'), arg('end', 'end', 'x64'), arg('owner', 'owner', 'x64')],
  },
  {
    name: 'mde_range_ret', symbol: 'make_device_exclusive_range', ret: true, kind: 'exclusive-make-ret', until: [6, 15],
    why: 'number of pages made exclusive, or a negative errno',
    raw: ret('ret', 's32'),
  },
  {
    // 6.15 (David Hildenbrand's series): make_device_exclusive(mm, addr, owner, &folio), one page, returns the page
    name: 'mdex', symbol: 'make_device_exclusive', kind: 'exclusive-make', since: [6, 15], stack: true,
    unverified: 'make_device_exclusive(mm, addr, owner, foliop) per the 6.15 source; not yet accepted by a captured kernel',
    why: 'device-exclusive (atomic) access requested for one page',
    raw: () => [arg('address', argReg(2), 'x64'), arg('owner', argReg(3), 'x64')],
    btf: () => [arg('address', 'addr', 'x64'), arg('owner', 'owner', 'x64')],
  },
  {
    name: 'make_device_exclusive__return', symbol: 'make_device_exclusive', ret: true, kind: 'exclusive-make-ret', since: [6, 15],
    unverified: 'returns struct page * or an ERR_PTR (shown as 0xffff...fff0-ish for -errno)',
    why: 'the exclusive page, or ERR_PTR(-errno) when the conversion failed',
    raw: ret('ret', 'x64'),
  },
  {
    name: 'mk_dev_excl_one', symbol: 'page_make_device_exclusive_one', kind: 'exclusive-one', until: [6, 15],
    why: 'one PTE converted to a device-exclusive entry (EXCLUSIVE invalidation with the caller owner)',
    raw: () => [arg('folio', argReg(1), 'x64'), arg('vm_start', member(2, VMA.vmStart), 'x64'), arg('address', argReg(3), 'x64')],
    btf: () => [arg('folio', 'folio', 'x64'), arg('vm_start', 'vma->vm_start', 'x64'), arg('address', 'address', 'x64')],
  },
  {
    name: 'restore_excl_pte', symbol: 'restore_exclusive_pte', kind: 'exclusive-restore', until: [6, 15],
    why: 'CPU fault on a device-exclusive entry restores the PTE (EXCLUSIVE owner NULL on <=6.14)',
    raw: () => [arg('address', argReg(3), 'x64')],
    btf: () => [arg('address', 'address', 'x64')],
  },
  {
    // 6.15: restore_exclusive_pte(vma, folio, page, address, ptep, orig_pte)
    name: 'restore_excl_pte', symbol: 'restore_exclusive_pte', kind: 'exclusive-restore', since: [6, 15],
    unverified: 'argument order from the 6.15 series (address is the 4th argument); static, may be inlined',
    why: 'CPU fault on a device-exclusive entry restores the PTE (a CLEAR on 6.15+)',
    raw: () => [arg('address', argReg(4), 'x64')],
    btf: () => [arg('address', 'address', 'x64')],
  },
  {
    name: 'do_swap_page', symbol: 'do_swap_page', kind: 'swap-fault',
    why: 'CPU fault on a swap-type PTE: device-private, device-exclusive or migration entry',
    raw: (k) => faultArgs(k, false, true),
    btf: () => faultArgsBtf(false, true),
  },
  {
    name: 'do_swap_page_ret', symbol: 'do_swap_page', ret: true, kind: 'swap-fault-ret',
    why: 'VM_FAULT_* result; 0x400 RETRY repeated on one address is the fault-retry spin',
    raw: ret('vm_fault_ret', 'x32'),
  },
  {
    name: 'hmm_range_fault', symbol: 'hmm_range_fault', kind: 'hmm-range-fault',
    why: 'a device fault snapshots CPU page tables; -EBUSY means an invalidation raced it',
    raw: () => [arg('start', member(1, HMM_RANGE.start), 'x64'), arg('end', member(1, HMM_RANGE.end), 'x64'), arg('notifier_seq', member(1, HMM_RANGE.notifierSeq), 'u64')],
    btf: () => [arg('start', 'range->start', 'x64'), arg('end', 'range->end', 'x64'), arg('notifier_seq', 'range->notifier_seq', 'u64')],
  },
  {
    name: 'hmm_range_fault_ret', symbol: 'hmm_range_fault', ret: true, kind: 'hmm-range-fault-ret',
    why: '-EBUSY (-16) retries: the interval sequence moved under the fault',
    raw: ret('ret', 's32'),
  },
  {
    name: 'split_pmd', symbol: '__split_huge_pmd', kind: 'thp-split', stack: true, until: [6, 15],
    why: 'issues a 2 MiB CLEAR before checking the PMD is huge: the spurious-CLEAR source',
    raw: () => [arg('address', argReg(3), 'x64'), arg('freeze', argReg(4), 'u8'), arg('folio', argReg(5), 'x64')],
    btf: () => [arg('address', 'address', 'x64'), arg('freeze', 'freeze', 'u8'), arg('folio', 'folio', 'x64')],
  },
  {
    // the folio argument is gone by 6.18 (its BTF: __split_huge_pmd(vma, pmd, address, freeze)); 6.12 still
    // had it (captured). Believed dropped in 6.15 with the device-exclusive rework (UNVERIFIED boundary).
    name: 'split_pmd', symbol: '__split_huge_pmd', kind: 'thp-split', stack: true, since: [6, 15],
    why: 'issues a 2 MiB CLEAR before checking the PMD is huge: the spurious-CLEAR source',
    raw: () => [arg('address', argReg(3), 'x64'), arg('freeze', argReg(4), 'u8')],
    btf: () => [arg('address', 'address', 'x64'), arg('freeze', 'freeze', 'u8')],
  },
  {
    name: 'split_pmd_addr', symbol: 'split_huge_pmd_address', kind: 'thp-split',
    why: 'VMA split/merge boundary: calls __split_huge_pmd without checking pmd_trans_huge',
    raw: () => [arg('address', argReg(2), 'x64'), arg('freeze', argReg(3), 'u8')],
    btf: () => [arg('address', 'address', 'x64'), arg('freeze', 'freeze', 'u8')],
  },
  {
    name: 'split_huge_page', symbol: 'split_huge_page_to_list', kind: 'thp-split', until: [6, 8],
    why: 'THP split during collection (split_folio)',
    raw: () => [arg('page', argReg(1), 'x64')],
    btf: () => [arg('page', 'page', 'x64')],
  },
  {
    name: 'split_huge_page_ret', symbol: 'split_huge_page_to_list', ret: true, kind: 'thp-split-ret', until: [6, 8],
    why: 'split result (-EAGAIN/-EBUSY: extra references on the THP)',
    raw: ret('ret', 's32'),
  },
  {
    name: 'split_huge_page', symbol: 'split_huge_page_to_list_to_order', kind: 'thp-split', since: [6, 8],
    why: 'THP split during collection (split_folio)',
    raw: () => [arg('page', argReg(1), 'x64'), arg('new_order', argReg(3), 'u32')],
    btf: () => [arg('page', 'page', 'x64'), arg('new_order', 'new_order', 'u32')],
  },
  {
    name: 'split_huge_page_ret', symbol: 'split_huge_page_to_list_to_order', ret: true, kind: 'thp-split-ret', since: [6, 8],
    why: 'split result (-EAGAIN/-EBUSY: extra references on the THP)',
    raw: ret('ret', 's32'),
  },
  {
    name: 'change_prot', symbol: 'change_protection', kind: 'change-protection', until: [6, 3],
    why: 'mprotect / NUMA hinting: the PROTECTION_VMA invalidation and how many PTEs changed',
    raw: () => [arg('vm_start', member(2, VMA.vmStart), 'x64'), arg('start', argReg(3), 'x64'), arg('end', argReg(4), 'x64'), arg('newprot', argReg(5), 'x64')],
    btf: () => [arg('vm_start', 'vma->vm_start', 'x64'), arg('start', 'start', 'x64'), arg('end', 'end', 'x64'), arg('newprot', 'newprot.pgprot', 'x64')],
  },
  {
    // "mm/mprotect: drop pgprot_t parameter from change_protection()" (believed 6.3): the 5th argument is cp_flags
    name: 'change_prot', symbol: 'change_protection', kind: 'change-protection', since: [6, 3],
    why: 'mprotect / NUMA hinting: the PROTECTION_VMA invalidation and how many PTEs changed',
    raw: () => [arg('vm_start', member(2, VMA.vmStart), 'x64'), arg('start', argReg(3), 'x64'), arg('end', argReg(4), 'x64'), arg('cp_flags', argReg(5), 'x64')],
    btf: () => [arg('vm_start', 'vma->vm_start', 'x64'), arg('start', 'start', 'x64'), arg('end', 'end', 'x64'), arg('cp_flags', 'cp_flags', 'x64')],
  },
  {
    name: 'change_prot_ret', symbol: 'change_protection', ret: true, kind: 'change-protection-ret',
    why: 'pages whose protection changed; 0 after a PROTECTION_VMA invalidation = nothing to invalidate',
    raw: ret('pages', 's64'),
  },
  {
    name: 'copy_page_range', symbol: 'copy_page_range', kind: 'copy-page-range',
    why: 'fork copies the page tables (COW of device-private and exclusive entries)',
    raw: () => [arg('vm_start', member(2, VMA.vmStart), 'x64'), arg('vm_end', member(2, VMA.vmEnd), 'x64')],
    btf: () => [arg('vm_start', 'src_vma->vm_start', 'x64'), arg('vm_end', 'src_vma->vm_end', 'x64')],
  },
  // --- optional: only with --include (by name, symbol or a rule that needs them) ---
  {
    name: 'migrate_device_range', symbol: 'migrate_device_range', kind: 'migrate-device-range', since: [6, 1], optional: true,
    why: 'driver eviction of device memory (device teardown) by pfn range',
    raw: () => [arg('start_pfn', argReg(2), 'x64'), arg('npages', argReg(3), 'u64')],
    btf: () => [arg('start_pfn', 'start', 'x64'), arg('npages', 'npages', 'u64')],
  },
  {
    name: 'migration_entry_wait_on_locked', symbol: 'migration_entry_wait_on_locked', kind: 'migration-wait', since: [6, 1], optional: true,
    why: 'the sleeping half of migration_entry_wait (state D until the folio lock is released)',
    raw: () => [],
  },
  {
    name: 'lru_add_drain_all', symbol: 'lru_add_drain_all', optional: true,
    why: 'migrate_device_unmap drains every CPU\'s LRU cache: the stall behind the 6.15+ trylock spin',
    raw: () => [],
  },
];
