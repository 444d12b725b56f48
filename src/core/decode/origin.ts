/**
 * Where an invalidation came from. mmu_notifier carries no origin, so we read it off the kernel stack
 * attached to the event (` => frame` lines, perf callchains) or, without one, off the chain of enclosing call
 * spans of the same task (kprobe/kretprobe pairs, function_graph nesting). Frames are walked innermost first
 * and the first function that issues invalidations decides (reference §4.1 "who issues which event"):
 * a CLEAR from __split_huge_pmd nested inside migrate_vma_setup is a split, not the migration's own MIGRATE.
 */

import type { InvalidationOrigin } from '../model/types';
import { baseFunction } from './functions';

const DIRECT: Record<string, InvalidationOrigin> = {
  try_to_migrate_one: 'try_to_migrate_one',
  try_to_migrate: 'try_to_migrate_one',
  // the unmap step of a device migration invalidates only through try_to_migrate (mm/migrate_device.c)
  migrate_device_unmap: 'try_to_migrate_one',
  migrate_vma_unmap: 'try_to_migrate_one',
  __split_huge_pmd: 'split_huge_pmd',
  split_huge_pmd_address: 'split_huge_pmd',
  __split_huge_pmd_locked: 'split_huge_pmd',
  split_huge_pmd_locked: 'split_huge_pmd',
  split_huge_page_to_list: 'split_huge_pmd',
  split_huge_page_to_list_to_order: 'split_huge_pmd',
  __split_huge_page: 'split_huge_pmd',
  split_folio_to_list: 'split_huge_pmd',
  vma_adjust_trans_huge: 'split_huge_pmd',
  page_make_device_exclusive_one: 'make_device_exclusive',
  folio_make_device_exclusive: 'make_device_exclusive',
  make_device_exclusive_range: 'make_device_exclusive',
  make_device_exclusive: 'make_device_exclusive',
  remove_device_exclusive_entry: 'remove_device_exclusive_entry',
  restore_exclusive_pte: 'remove_device_exclusive_entry',
  migrate_vma_collect: 'migrate_vma_setup',
  migrate_vma_collect_pmd: 'migrate_vma_setup',
  migrate_vma_setup: 'migrate_vma_setup',
  __migrate_device_pages: 'migrate_vma_pages',
  migrate_vma_pages: 'migrate_vma_pages',
  migrate_device_pages: 'migrate_vma_pages',
  migrate_vma_insert_page: 'migrate_vma_pages',
  wp_page_copy: 'wp_page_copy',
  change_protection: 'mprotect',
  change_prot_numa: 'mprotect',
  mprotect_fixup: 'mprotect',
  do_mprotect_pkey: 'mprotect',
  copy_page_range: 'fork',
  dup_mmap: 'fork',
  copy_process: 'fork',
  do_madvise: 'madvise',
  madvise_dontneed_single_vma: 'madvise',
  madvise_dontneed_free: 'madvise',
  madvise_free_single_vma: 'madvise',
  madvise_vma_behavior: 'madvise',
  exit_mmap: 'exit',
  mmput: 'exit',
  do_exit: 'exit',
  dmirror_devmem_fault: 'migrate_to_ram',
  nouveau_dmem_migrate_to_ram: 'migrate_to_ram',
  svm_migrate_to_ram: 'migrate_to_ram',
  do_swap_page: 'migrate_to_ram',
};

/** Functions that tear down mappings; munmap vs exit vs madvise is decided by the outer frames. */
const ZAP = new Set(['unmap_vmas', 'zap_page_range_single', 'unmap_page_range', 'zap_page_range', 'unmap_region', '__zap_page_range_single']);
const MUNMAP = new Set(['do_vmi_munmap', '__do_munmap', 'do_munmap', '__vm_munmap', 'do_mas_align_munmap', 'do_vmi_align_munmap', '__x64_sys_munmap', 'vms_complete_munmap_vmas', 'vms_clear_ptes']);

/** `dmirror_interval_invalidate+0x1 [test_hmm]`, `  ffffffff8126a0a0 migrate_vma_setup+0x20c ([kernel.kallsyms])` → function name. */
/** Stacks repeat the same frames millions of times: each frame text is resolved once (bounded memo). */
const frameMemo = new Map<string, string | null>();
const MEMO_MAX = 16384;

export function frameFunction(frame: string): string | undefined {
  const hit = frameMemo.get(frame);
  if (hit !== undefined) return hit ?? undefined;
  const f = resolveFrame(frame);
  if (frameMemo.size >= MEMO_MAX) frameMemo.clear();
  frameMemo.set(frame, f ?? null);
  return f;
}

function resolveFrame(frame: string): string | undefined {
  let f = frame.trim();
  if (f.startsWith('=>')) f = f.slice(2).trim();
  f = f.replace(/^b'(.*)'$/, '$1');
  // perf callchain: `ffffffff8126a0a0 sym+0x20 ([kernel.kallsyms])`
  const perf = /^[0-9a-f]{6,}\s+(\S+)/i.exec(f);
  if (perf) f = perf[1];
  if (/^(0x)?[0-9a-f]+$/i.test(f)) return undefined;
  const sym = f.split(/[+\s([]/)[0];
  return sym ? baseFunction(sym) : undefined;
}

export interface OriginResult {
  origin: InvalidationOrigin;
  evidence: string[];
}

/**
 * Classifies from function names innermost first (stack frames or enclosing spans). `skip` names the
 * notifier machinery itself, which every stack of an invalidation contains.
 */
export function classifyOrigin(funcs: readonly string[]): OriginResult | undefined {
  for (let i = 0; i < funcs.length; i++) {
    const f = funcs[i];
    if (ZAP.has(f)) {
      const outer = funcs.slice(i + 1);
      if (outer.some((o) => o === 'exit_mmap' || o === 'mmput' || o === 'do_exit')) return { origin: 'exit', evidence: [f, 'exit_mmap'] };
      if (outer.some((o) => o.startsWith('madvise') || o === 'do_madvise')) return { origin: 'madvise', evidence: [f, 'madvise'] };
      const m = outer.find((o) => MUNMAP.has(o) || o.includes('munmap'));
      if (m) return { origin: 'munmap', evidence: [f, m] };
      return { origin: 'zap', evidence: [f] };
    }
    if (MUNMAP.has(f) || f.includes('munmap')) return { origin: 'munmap', evidence: [f] };
    const o = DIRECT[f];
    if (o) return { origin: o, evidence: [f] };
  }
  return undefined;
}

/** One shared, frozen result per distinct call chain: a long trace has few distinct stacks. */
const stackMemo = new Map<string, OriginResult | null>();

/**
 * The last stacks seen per innermost frame (a few, most recent first), and what they gave: a probe's stacks
 * repeat frame for frame (the reader hands out one string per distinct frame; kprobe stacks all start in
 * kprobe_trace_func), so comparing frames replaces resolving each frame and joining them into the memo key
 * (~1 µs a stack; ~0.1 M invalidation stacks per 256 MiB).
 */
const recentByInnermost = new Map<string, { frames: readonly string[]; result: OriginResult | undefined }[]>();
const RECENT_PER_FRAME = 8;

/** Classifies from a printed stack (innermost first). */
export function classifyStack(stack: readonly string[] | undefined): OriginResult | undefined {
  if (!stack || stack.length === 0) return undefined;
  let recent = recentByInnermost.get(stack[0]);
  if (recent === undefined) {
    if (recentByInnermost.size >= MEMO_MAX) recentByInnermost.clear();
    recentByInnermost.set(stack[0], (recent = []));
  }
  for (let i = 0; i < recent.length; i++) {
    const r = recent[i];
    if (sameFrames(r.frames, stack)) {
      if (i > 0) {
        recent.splice(i, 1);
        recent.unshift(r);
      }
      return r.result;
    }
  }
  const result = classifyFrames(stack);
  recent.unshift({ frames: stack.slice(), result });
  if (recent.length > RECENT_PER_FRAME) recent.pop();
  return result;
}

/** Same frames; compared from the outermost, where different call paths differ. */
function sameFrames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

function classifyFrames(stack: readonly string[]): OriginResult | undefined {
  const funcs: string[] = [];
  for (const fr of stack) {
    const f = frameFunction(fr);
    if (f) funcs.push(f);
  }
  const key = funcs.join(' ');
  const hit = stackMemo.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const r = classifyOrigin(funcs);
  if (r) {
    Object.freeze(r.evidence);
    Object.freeze(r);
  }
  if (stackMemo.size >= MEMO_MAX) stackMemo.clear();
  stackMemo.set(key, r ?? null);
  return r;
}

/** Syscall context as the last resort (no stack, no enclosing span): the task is inside sys_X. */
export function originFromSyscall(name: string | undefined): InvalidationOrigin | undefined {
  if (!name) return undefined;
  const n = name.replace(/^(sys_enter_|sys_exit_|sys_|__x64_sys_)/, '');
  switch (n) {
    case 'munmap':
    case 'mremap':
    case 'brk':
      return 'munmap';
    case 'mprotect':
    case 'pkey_mprotect':
      return 'mprotect';
    case 'madvise':
    case 'process_madvise':
      return 'madvise';
    case 'clone':
    case 'clone3':
    case 'fork':
    case 'vfork':
      return 'fork';
    case 'exit':
    case 'exit_group':
      return 'exit';
    default:
      return undefined;
  }
}

/** Origins arriving from another thread are copies: one frozen object per distinct origin again. */
const canonicalOrigins = new Map<string, OriginResult>();

export function canonicalOrigin(o: OriginResult): OriginResult {
  const key = `${o.origin} ${o.evidence.join(' ')}`;
  let hit = canonicalOrigins.get(key);
  if (!hit) {
    hit = Object.freeze({ origin: o.origin, evidence: Object.freeze([...o.evidence]) as string[] });
    if (canonicalOrigins.size < 16384) canonicalOrigins.set(key, hit);
  }
  return hit;
}
