/**
 * Probe definitions (kprobe_events syntax) that missing-evidence notes hand to the user, so the next capture
 * lets the rule decide. Offsets follow the reference (§4.2, §4.4, §5.2): struct mmu_notifier_range lost its
 * leading `vma` member in 6.3, so its fields sit 8 bytes earlier from 6.3 on; struct migrate_vma is stable since
 * 6.1 (cpages +24, npages +32, start +40, end +48, pgmap_owner +56, flags +64, fault_page +72).
 */

export const PROBES = {
  mnStart63: 'p:hmm/mn_start __mmu_notifier_invalidate_range_start start=+8($arg1):x64 end=+16($arg1):x64 flags=+24($arg1):u32 event=+28($arg1):u32 owner=+32($arg1):x64',
  mnStart62: 'p:hmm/mn_start __mmu_notifier_invalidate_range_start start=+16($arg1):x64 end=+24($arg1):x64 flags=+32($arg1):u32 event=+36($arg1):u32 owner=+40($arg1):x64',
  mvSetup: 'p:hmm/mv_setup migrate_vma_setup start=+40($arg1):x64 end=+48($arg1):x64 owner=+56($arg1):x64 flags=+64($arg1):x64 fault_page=+72($arg1):x64',
  mvSetupRet: 'r:hmm/mv_setup_ret migrate_vma_setup ret=$retval:s32',
  mdevUnmapRet: 'r:hmm/mdev_unmap_ret migrate_device_unmap unmapped=$retval:u64',
  mvPages: 'p:hmm/mv_pages migrate_vma_pages start=+40($arg1):x64 end=+48($arg1):x64 cpages=+24($arg1):u64 npages=+32($arg1):u64',
  mvFinalize: 'p:hmm/mv_final migrate_vma_finalize start=+40($arg1):x64 end=+48($arg1):x64 cpages=+24($arg1):u64 npages=+32($arg1):u64',
  fmmRet: 'r:hmm/fmm_ret folio_migrate_mapping ret=$retval:s32',
  mfolioExtraRet: 'r:hmm/mfolio_extra_ret migrate_folio_extra ret=$retval:s32',
  migEntryWait: 'p:hmm/mew migration_entry_wait addr=$arg3:x64',
  doSwapPage: 'p:hmm/do_swap_page do_swap_page address=+24($arg1):x64 orig_pte=+64($arg1):x64',
  doSwapPageRet: 'r:hmm/do_swap_page_ret do_swap_page vm_fault_ret=$retval:x32',
  mdeRange: 'p:hmm/mdexr make_device_exclusive_range start=$arg2:x64 end=$arg3:x64 owner=$arg5:x64',
  mdeRangeRet: 'r:hmm/mdexr_ret make_device_exclusive_range ret=$retval:s32',
  mdeOne: 'p:hmm/mdex_one page_make_device_exclusive_one address=$arg3:x64',
  mde615: 'p:hmm/mdex make_device_exclusive addr=$arg2:x64 owner=$arg3:x64',
  mde615Ret: 'r:hmm/mdex_ret make_device_exclusive ret=$retval:x64',
  restoreExcl: 'p:hmm/restore_excl restore_exclusive_pte address=$arg3:x64',
  splitPmd: 'p:hmm/split __split_huge_pmd addr=$arg3:x64 freeze=$arg4:u8',
  changeProtRet: 'r:hmm/change_prot_ret change_protection pages=$retval:s64',
  dmirrorInval: 'p:hmm/dmirror_inv test_hmm:dmirror_interval_invalidate start=+8($arg2):x64 end=+16($arg2):x64 event=+28($arg2):u32 owner=+32($arg2):x64',
  nouveauMni: 'p:hmm/nv_mni nouveau:nouveau_svm_range_invalidate start=+8($arg2):x64 end=+16($arg2):x64 event=+28($arg2):u32 owner=+32($arg2):x64 seq=$arg3:u64',
  nouveauMn: 'p:hmm/nv_mn nouveau:nouveau_svmm_invalidate_range_start start=+8($arg2):x64 end=+16($arg2):x64 event=+28($arg2):u32 owner=+32($arg2):x64',
  nouveauGpuInval: 'p:hmm/nv_inval nouveau:nouveau_svmm_invalidate start=$arg2:x64 end=$arg3:x64',
} as const;

/** The notifier hook in both struct layouts: the user keeps the one matching the kernel. */
export const MN_START_BOTH = [PROBES.mnStart63, PROBES.mnStart62];
