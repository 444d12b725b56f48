/**
 * Probes on the drivers' own HMM callbacks: the notifier callbacks (does the driver filter its own MIGRATE /
 * EXCLUSIVE?), migrate_to_ram (the CPU-fault side of a device-private page) and the page free callback.
 * The test_hmm forms were accepted by the 6.1 and 6.12 kernels. The nouveau, amdkfd and xe forms follow the
 * signatures in the reference §3.5-§3.7 / §4.6 and are marked unverified; the script reports any the kernel
 * refuses (static callbacks can be inlined) and carries on.
 *
 * Names: the captures' names where they exist (dmirror_inval, devmem_fault) and the reference's (nv_mn,
 * nv_mni); every other probe is named after its function, `<function>__return` for the return, the way
 * perf probe and fprobe name them by default, so the decoders know it even without the saved definitions.
 */

import { argReg, member, mmuNotifierRange } from './layouts';
import { faultArgs, faultArgsBtf } from './coreProbes';
import type { ProbeSpec } from './probeSpec';
import { arg } from './probeSpec';
import type { KernelVersion } from './target';

/** `const struct mmu_notifier_range *` passed as the n-th argument of a driver callback. */
const notifierRange = (k: KernelVersion, n: number) => {
  const L = mmuNotifierRange(k);
  return [
    arg('start', member(n, L.start), 'x64'),
    arg('end', member(n, L.end), 'x64'),
    arg('event', member(n, L.event), 'u32'),
    arg('owner', member(n, L.owner), 'x64'),
    arg('flags', member(n, L.flags), 'u32'),
  ];
};
const notifierRangeBtf = (p: string) => [
  arg('start', `${p}->start`, 'x64'),
  arg('end', `${p}->end`, 'x64'),
  arg('event', `${p}->event`, 'u32'),
  arg('owner', `${p}->owner`, 'x64'),
  arg('flags', `${p}->flags`, 'u32'),
];
const ret = (name: string, type: string) => () => [arg(name, '$retval', type)];

export const DRIVER_PROBES: ProbeSpec[] = [
  // --- lib/test_hmm.c (dmirror) ---
  {
    name: 'dmirror_inval', symbol: 'dmirror_interval_invalidate', module: 'test_hmm', drivers: ['test_hmm'], kind: 'driver-invalidate', stack: true,
    why: 'the mirror sees an invalidation; it ignores MIGRATE with owner == its own device (returns early)',
    raw: (k) => [...notifierRange(k, 2), arg('cur_seq', argReg(3), 'u64')],
    btf: () => [...notifierRangeBtf('range'), arg('cur_seq', 'cur_seq', 'u64')],
  },
  {
    name: 'dmirror_inval_ret', symbol: 'dmirror_interval_invalidate', module: 'test_hmm', drivers: ['test_hmm'], ret: true, kind: 'driver-invalidate-ret',
    why: 'true = handled (or filtered), false = could not take the lock for a non-blockable range',
    raw: ret('ret', 'u8'),
  },
  {
    name: 'dmirror_snap_inval', symbol: 'dmirror_snapshot_invalidate', module: 'test_hmm', drivers: ['test_hmm'], kind: 'driver-invalidate',
    why: 'the snapshot ioctl\'s temporary interval notifier saw an invalidation',
    raw: (k) => {
      const L = mmuNotifierRange(k);
      return [arg('start', member(2, L.start), 'x64'), arg('end', member(2, L.end), 'x64'), arg('event', member(2, L.event), 'u32')];
    },
    btf: () => [arg('start', 'range->start', 'x64'), arg('end', 'range->end', 'x64'), arg('event', 'range->event', 'u32')],
  },
  {
    name: 'devmem_fault', symbol: 'dmirror_devmem_fault', module: 'test_hmm', drivers: ['test_hmm'], kind: 'migrate-to-ram', stack: true,
    why: 'migrate_to_ram: the CPU touched a device-private page',
    raw: (k) => faultArgs(k, true, false),
    btf: () => faultArgsBtf(true, false),
  },
  {
    name: 'devmem_fault_ret', symbol: 'dmirror_devmem_fault', module: 'test_hmm', drivers: ['test_hmm'], ret: true, kind: 'migrate-to-ram-ret',
    why: 'VM_FAULT_* of migrate_to_ram; 0 without a migration means the CPU will fault again',
    raw: ret('vm_fault_ret', 'x32'),
  },
  {
    name: 'devmem_free', symbol: 'dmirror_devmem_free', module: 'test_hmm', drivers: ['test_hmm'], kind: 'device-free',
    why: 'a device-private page was freed (last reference dropped)',
    raw: () => [arg('page', argReg(1), 'x64')],
    btf: () => [arg('page', 'page', 'x64')],
  },
  // --- nouveau (drivers/gpu/drm/nouveau/nouveau_svm.c, nouveau_dmem.c) ---
  {
    name: 'nv_mn', symbol: 'nouveau_svmm_invalidate_range_start', module: 'nouveau', drivers: ['nouveau'], kind: 'driver-invalidate', stack: true,
    unverified: 'signature (mn, update) from nouveau_svm.c; not captured yet',
    why: 'mirror notifier: filters MIGRATE with owner == drm->dev, after logging "invalidate"',
    raw: (k) => notifierRange(k, 2),
    btf: () => notifierRangeBtf('update'),
  },
  {
    name: 'nouveau_svmm_invalidate_range_start__return', symbol: 'nouveau_svmm_invalidate_range_start', module: 'nouveau', drivers: ['nouveau'], ret: true, kind: 'driver-invalidate-ret',
    unverified: 'not captured yet',
    why: '-EAGAIN for a non-blockable range',
    raw: ret('ret', 's32'),
  },
  {
    name: 'nv_mni', symbol: 'nouveau_svm_range_invalidate', module: 'nouveau', drivers: ['nouveau'], kind: 'driver-invalidate', stack: true,
    unverified: 'signature (mni, range, cur_seq) from nouveau_svm.c; not captured yet',
    why: 'interval notifier of the fault paths: filters its own EXCLUSIVE, every other event bumps the sequence',
    raw: (k) => [...notifierRange(k, 2), arg('cur_seq', argReg(3), 'u64')],
    btf: () => [...notifierRangeBtf('range'), arg('cur_seq', 'cur_seq', 'u64')],
  },
  {
    name: 'nouveau_svm_range_invalidate__return', symbol: 'nouveau_svm_range_invalidate', module: 'nouveau', drivers: ['nouveau'], ret: true, kind: 'driver-invalidate-ret',
    unverified: 'not captured yet',
    why: 'false = could not take svmm->mutex for a non-blockable range',
    raw: ret('ret', 'u8'),
  },
  {
    name: 'nouveau_svmm_invalidate', symbol: 'nouveau_svmm_invalidate', module: 'nouveau', drivers: ['nouveau'], kind: 'driver-invalidate',
    unverified: 'static helper (svmm, start, limit); may be inlined, the script reports it then',
    why: 'real GPU work: NVIF_VMM_V0_PFNCLR clears the GPU PTEs (proof that an invalidation was not filtered)',
    raw: () => [arg('start', argReg(2), 'x64'), arg('end', argReg(3), 'x64')],
    btf: () => [arg('start', 'start', 'x64'), arg('end', 'limit', 'x64')],
  },
  {
    name: 'nouveau_dmem_migrate_to_ram', symbol: 'nouveau_dmem_migrate_to_ram', module: 'nouveau', drivers: ['nouveau'], kind: 'migrate-to-ram', stack: true,
    unverified: 'dev_pagemap_ops.migrate_to_ram(vmf); not captured yet',
    why: 'the CPU touched a VRAM-resident page; returns 0 without migrating when cpages == 0 (re-fault loop)',
    raw: (k) => faultArgs(k, true, false),
    btf: () => faultArgsBtf(true, false),
  },
  {
    name: 'nouveau_dmem_migrate_to_ram__return', symbol: 'nouveau_dmem_migrate_to_ram', module: 'nouveau', drivers: ['nouveau'], ret: true, kind: 'migrate-to-ram-ret',
    unverified: 'not captured yet',
    why: 'VM_FAULT_* of migrate_to_ram',
    raw: ret('vm_fault_ret', 'x32'),
  },
  {
    name: 'nouveau_dmem_page_free', symbol: 'nouveau_dmem_page_free', module: 'nouveau', drivers: ['nouveau'], kind: 'device-free',
    unverified: 'dev_pagemap_ops.page_free(page); not captured yet',
    why: 'a VRAM page was freed',
    raw: () => [arg('page', argReg(1), 'x64')],
    btf: () => [arg('page', 'page', 'x64')],
  },
  // --- amdkfd (drivers/gpu/drm/amd/amdkfd/kfd_svm.c, kfd_migrate.c; module amdgpu) ---
  {
    name: 'svm_range_cpu_invalidate_pagetables', symbol: 'svm_range_cpu_invalidate_pagetables', module: 'amdgpu', drivers: ['amdkfd'], kind: 'driver-invalidate', stack: true,
    unverified: 'signature (mni, range, cur_seq) from kfd_svm.c; not captured yet',
    why: 'KFD interval notifier: UNMAP unmaps, everything but RELEASE evicts the range from the GPU',
    raw: (k) => [...notifierRange(k, 2), arg('cur_seq', argReg(3), 'u64')],
    btf: () => [...notifierRangeBtf('range'), arg('cur_seq', 'cur_seq', 'u64')],
  },
  {
    name: 'svm_range_cpu_invalidate_pagetables__return', symbol: 'svm_range_cpu_invalidate_pagetables', module: 'amdgpu', drivers: ['amdkfd'], ret: true, kind: 'driver-invalidate-ret',
    unverified: 'not captured yet',
    why: 'false = could not take the lock for a non-blockable range',
    raw: ret('ret', 'u8'),
  },
  {
    // the decoders know it by symbol but give it no domain kind yet (a generic function event)
    name: 'svm_range_evict', symbol: 'svm_range_evict', module: 'amdgpu', drivers: ['amdkfd'], optional: true,
    unverified: 'static (prange, mm, start, last, event); start/last are page numbers, not addresses; may be inlined',
    why: 'real GPU work: queues are evicted or the range is unmapped from the GPU',
    raw: () => [arg('start_pfn', argReg(3), 'x64'), arg('last_pfn', argReg(4), 'x64'), arg('event', argReg(5), 'u32')],
    btf: () => [arg('start_pfn', 'start', 'x64'), arg('last_pfn', 'last', 'x64'), arg('event', 'event', 'u32')],
  },
  {
    name: 'svm_migrate_to_ram', symbol: 'svm_migrate_to_ram', module: 'amdgpu', drivers: ['amdkfd'], kind: 'migrate-to-ram', stack: true,
    unverified: 'dev_pagemap_ops.migrate_to_ram(vmf); not captured yet',
    why: 'the CPU touched a VRAM-resident page of an SVM range',
    raw: (k) => faultArgs(k, true, false),
    btf: () => faultArgsBtf(true, false),
  },
  {
    name: 'svm_migrate_to_ram__return', symbol: 'svm_migrate_to_ram', module: 'amdgpu', drivers: ['amdkfd'], ret: true, kind: 'migrate-to-ram-ret',
    unverified: 'not captured yet',
    why: 'VM_FAULT_* of migrate_to_ram',
    raw: ret('vm_fault_ret', 'x32'),
  },
  {
    name: 'svm_migrate_page_free', symbol: 'svm_migrate_page_free', module: 'amdgpu', drivers: ['amdkfd'], kind: 'device-free',
    unverified: 'dev_pagemap_ops.page_free(page); not captured yet',
    why: 'a VRAM page was freed',
    raw: () => [arg('page', argReg(1), 'x64')],
    btf: () => [arg('page', 'page', 'x64')],
  },
  // --- Intel xe SVM (drivers/gpu/drm/xe/xe_svm.c, drm_gpusvm.c; 6.15+) ---
  {
    name: 'xe_svm_invalidate', symbol: 'xe_svm_invalidate', module: 'xe', drivers: ['xe'], since: [6, 15], kind: 'driver-invalidate', stack: true,
    unverified: 'signature (gpusvm, notifier, mmu_range) from xe_svm.c; not captured yet',
    why: 'xe does not owner-filter MIGRATE: its own migrations invalidate its GPU mappings',
    raw: (k) => notifierRange(k, 3),
    btf: () => notifierRangeBtf('mmu_range'),
  },
  {
    name: 'drm_gpusvm_notifier_invalidate', symbol: 'drm_gpusvm_notifier_invalidate', drivers: ['xe'], since: [6, 15], kind: 'driver-invalidate',
    unverified: 'static interval-notifier callback (mni, mmu_range, cur_seq) in drm_gpusvm.c; may be inlined',
    why: 'drm_gpusvm interval notifier: sets the sequence, then calls the driver',
    raw: (k) => [...notifierRange(k, 2), arg('cur_seq', argReg(3), 'u64')],
    btf: () => [...notifierRangeBtf('mmu_range'), arg('cur_seq', 'cur_seq', 'u64')],
  },
  {
    name: 'xe_svm_handle_pagefault', symbol: 'xe_svm_handle_pagefault', module: 'xe', drivers: ['xe'], since: [6, 15], kind: 'device-fault',
    unverified: 'fault_addr is the 4th argument in 6.15 (vm, vma, gt/tile, fault_addr, atomic)',
    why: 'GPU page fault on an SVM range',
    raw: () => [arg('address', argReg(4), 'x64'), arg('atomic', argReg(5), 'u8')],
    btf: () => [arg('address', 'fault_addr', 'x64'), arg('atomic', 'atomic', 'u8')],
  },
  {
    name: 'xe_svm_handle_pagefault__return', symbol: 'xe_svm_handle_pagefault', module: 'xe', drivers: ['xe'], since: [6, 15], ret: true,
    unverified: 'not captured yet',
    why: '-EAGAIN retries of the GPU fault',
    raw: ret('ret', 's32'),
  },
];
