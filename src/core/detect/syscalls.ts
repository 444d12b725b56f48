/**
 * Syscalls as the detectors need them: which mm-changing call a task was in, and the protection user space
 * asked for on each range (mmap/mprotect/munmap), replayed in trace order. ftrace prints syscall arguments with
 * `%lx` (no 0x), perf and trace-cmd with `0x`; returns print as `-> 0x0` / `0x0`.
 */

import type { AddressSpace, DomainEvent } from '../model/types';
import { hexArg, num } from './util';

/**
 * One syscall of a task, entry paired with its exit. The arguments are parsed from the entry's raw fields on first
 * read: with the columnar store those fields are read back from the trace file, and only the calls the
 * protection replay applies (completed mmap/mprotect/munmap of a mirrored mm) need them.
 */
export class SyscallCall {
  exit?: DomainEvent;
  ret?: number;
  private parsed: Record<string, number | undefined> | undefined;

  constructor(
    readonly name: string,
    readonly enter: DomainEvent,
  ) {}

  get args(): Record<string, number | undefined> {
    if (!this.parsed) {
      const args: Record<string, number | undefined> = {};
      for (const [key, v] of Object.entries(this.enter.fields)) args[key] = hexArg(v);
      this.parsed = args;
    }
    return this.parsed;
  }
}

/** `sys_mprotect`, `sys_enter_mprotect`, `mprotect` → `mprotect`. */
export function syscallName(ev: DomainEvent): string {
  return syscallBaseName(ev.name);
}

function retOf(ev: DomainEvent): number | undefined {
  if (ev.ret !== undefined) return ev.ret;
  // exits print the value alone (`sys_mprotect -> 0x0`, `sys_exit_mprotect: 0x0`); the decoder may keep it in a field
  const v = ev.fields.ret ?? ev.fields.retval ?? /(-?0x[0-9a-f]+|-?\d+)\s*$/i.exec(ev.summary)?.[1];
  const n = num(v);
  if (n === undefined) return undefined;
  // 64-bit -errno printed as 0xffff...: map back to a small negative number
  return n > 2 ** 63 ? n - 2 ** 64 : n;
}

/** Syscalls that rewrite page tables of a range. */
export const MM_SYSCALLS: ReadonlySet<string> = new Set(['munmap', 'mprotect', 'madvise', 'mremap', 'brk', 'mmap', 'process_madvise']);

/** `sys_mprotect`, `syscalls:sys_exit_mprotect`, `mprotect` → `mprotect`. */
export function syscallBaseName(eventName: string): string {
  return eventName.replace(/^(syscalls:)?sys_(enter_|exit_)?/, '');
}

/**
 * Whether a syscall event carries arguments or a return a rule reads: those of the mm syscalls (protection
 * replay, "did a completed mm syscall change page tables"). The others (ioctl, clone, vmsplice, ...) are paired
 * and placed in time only.
 */
export function syscallHasArgs(eventName: string): boolean {
  return MM_SYSCALLS.has(syscallBaseName(eventName));
}

/** Pairs syscall entries with their exits per task (file order). */
export function syscallCalls(enters: readonly DomainEvent[], exits: readonly DomainEvent[]): SyscallCall[] {
  const all = [...enters.map((e) => ({ e, enter: true })), ...exits.map((e) => ({ e, enter: false }))].sort((a, b) => a.e.id - b.e.id);
  const open = new Map<string, SyscallCall>();
  const out: SyscallCall[] = [];
  for (const { e, enter } of all) {
    const name = syscallName(e);
    const k = `${e.pid}|${name}`;
    if (enter) {
      const c = new SyscallCall(name, e);
      open.set(k, c);
      out.push(c);
    } else {
      const c = open.get(k);
      if (c) {
        c.exit = e;
        c.ret = retOf(e);
        open.delete(k);
      }
    }
  }
  return out;
}

interface Segment {
  start: number;
  end: number;
  prot: number;
}

/** User-visible protection of each range per address space, replayed from mmap/mprotect/munmap. */
export class ProtectionMap {
  private readonly segs = new Map<AddressSpace, Segment[]>();

  private cut(as: AddressSpace, start: number, end: number): Segment[] {
    const list = this.segs.get(as) ?? [];
    const keep: Segment[] = [];
    for (const s of list) {
      if (s.end <= start || s.start >= end) keep.push(s);
      else {
        if (s.start < start) keep.push({ start: s.start, end: start, prot: s.prot });
        if (s.end > end) keep.push({ start: end, end: s.end, prot: s.prot });
      }
    }
    this.segs.set(as, keep);
    return keep;
  }

  set(as: AddressSpace, start: number, end: number, prot: number): void {
    const keep = this.cut(as, start, end);
    keep.push({ start, end, prot });
    keep.sort((a, b) => a.start - b.start);
  }

  remove(as: AddressSpace, start: number, end: number): void {
    this.cut(as, start, end);
  }

  /** Protections covering [start, end), or undefined when part of it was never seen mapped. */
  covering(as: AddressSpace, start: number, end: number): number[] | undefined {
    const list = (this.segs.get(as) ?? []).filter((s) => s.end > start && s.start < end);
    let at = start;
    for (const s of list) {
      if (s.start > at) return undefined;
      at = Math.max(at, s.end);
    }
    if (at < end) return undefined;
    return [...new Set(list.map((s) => s.prot))];
  }

  /** Applies one completed syscall. */
  apply(as: AddressSpace, c: SyscallCall): void {
    if (c.ret === undefined || c.ret < 0) return;
    // only these three change protections: the arguments of the others are never parsed (nor read from the file)
    if (c.name !== 'mmap' && c.name !== 'mprotect' && c.name !== 'munmap') return;
    const len = c.args.len ?? 0;
    if (c.name === 'mmap' && c.args.prot !== undefined && len > 0) this.set(as, c.ret, c.ret + len, c.args.prot);
    else if (c.name === 'mprotect' && c.args.start !== undefined && c.args.prot !== undefined && c.ret === 0) this.set(as, c.args.start, c.args.start + len, c.args.prot);
    else if (c.name === 'munmap' && c.args.addr !== undefined && c.ret === 0) this.remove(as, c.args.addr, c.args.addr + len);
  }
}

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export function protText(p: number): string {
  if (p === 0) return 'PROT_NONE';
  const out: string[] = [];
  if (p & PROT_READ) out.push('READ');
  if (p & PROT_WRITE) out.push('WRITE');
  if (p & PROT_EXEC) out.push('EXEC');
  return out.join('|');
}
