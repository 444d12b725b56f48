/**
 * Syscalls as the detectors need them: which mm-changing call a task was in, and the protection user space
 * asked for on each range (mmap/mprotect/munmap), replayed in trace order. ftrace prints syscall arguments with
 * `%lx` (no 0x), perf and trace-cmd with `0x`; returns print as `-> 0x0` / `0x0`.
 */

import type { AddressSpace, DomainKind } from '../model/types';
import type { RawText } from './factEvents';
import { hexArg, num } from './util';
import { lowerBoundBy } from '../sorted';

/** The arguments the protection replay reads (hex, `%lx` or `0x`); undefined when not printed. */
export interface SyscallArgs {
  addr: number | undefined;
  start: number | undefined;
  len: number | undefined;
  prot: number | undefined;
}

/** What the pairing reads of a syscall event (Facts: from the columns, raw text read back from the file). */
export interface SyscallSource {
  tsOf(id: number): number;
  pidOf(id: number): number;
  nameOf(id: number): string;
  /** A number standing for the printed name (the same number, the same name), or -1 when there is none. */
  nameKeyOf(id: number): number;
  retOf(id: number): number | undefined;
  rawOf(id: number, kind: DomainKind): RawText;
}

/** An exit's return: the decoded one, else the value the line prints alone (`sys_mprotect -> 0x0`, `: 0x0`). */
function exitRet(src: SyscallSource, id: number): number | undefined {
  const r = src.retOf(id);
  if (r !== undefined) return r;
  const raw = src.rawOf(id, 'syscall-ret');
  // the decoder may keep it in a field; the summary (made whole by the model) only when it did not
  const v = raw.fields.ret ?? raw.fields.retval ?? /(-?0x[0-9a-f]+|-?\d+)\s*$/i.exec(raw.summary)?.[1];
  const n = num(v);
  if (n === undefined) return undefined;
  // 64-bit -errno printed as 0xffff...: map back to a small negative number
  return n > 2 ** 63 ? n - 2 ** 64 : n;
}

/**
 * The syscalls of a trace, each entry paired with its exit per task (file order), as columns indexed by call:
 * entry and exit ids and times, task, name and return. A long capture has tens of thousands of calls and two
 * rules walk them for the whole analysis: an object per call and per event (the 256 MiB bench's 15k calls)
 * held ~6 MB until the last rule. The arguments are parsed from the entry's raw fields on first read: with the
 * columnar store those are read back from the trace file, and only the calls the protection replay applies
 * (completed mmap/mprotect/munmap of a mirrored mm) need them.
 */
export class SyscallCalls {
  // one row per entry at most: sized from the entries (60k at 1 GiB), not grown
  private readonly enterIds: Int32Array;
  /** -1: the call had not returned when the trace ended. */
  private readonly exitIds: Int32Array;
  private readonly enterTss: Float64Array;
  /** NaN without an exit. */
  private readonly exitTss: Float64Array;
  /** NaN when unknown (no exit, or an exit printing no value). */
  private readonly rets: Float64Array;
  private readonly pids: Int32Array;
  private readonly nameCodes: Int32Array;
  private readonly names: string[] = [];
  private readonly parsed = new Map<number, SyscallArgs>();
  private n = 0;

  constructor(
    private readonly src: SyscallSource,
    enters: ArrayLike<number>,
    exits: ArrayLike<number>,
  ) {
    const rows = Math.max(1, enters.length);
    this.enterIds = new Int32Array(rows);
    this.exitIds = new Int32Array(rows);
    this.enterTss = new Float64Array(rows);
    this.exitTss = new Float64Array(rows);
    this.rets = new Float64Array(rows);
    this.pids = new Int32Array(rows);
    this.nameCodes = new Int32Array(rows);
    const codeOf = new Map<string, number>();
    // the printed name (sys_enter_mprotect, sys_exit_mprotect, ...) → base name code: one regex per name, not per event
    const codeOfPrinted = new Map<string, number>();
    // and the same from the name's number: no string read and hashed per event (60k syscall events at 1 GiB)
    const codeOfKey = new Map<number, number>();
    // the call still open per task and name: task → name code → call
    const open = new Map<number, Map<number, number>>();
    let i = 0;
    let j = 0;
    while (i < enters.length || j < exits.length) {
      const enter = j >= exits.length || (i < enters.length && enters[i] < exits[j]);
      const id = enter ? enters[i++] : exits[j++];
      const key = src.nameKeyOf(id);
      let code = key >= 0 ? codeOfKey.get(key) : undefined;
      if (code === undefined) {
        const printed = src.nameOf(id);
        code = codeOfPrinted.get(printed);
        if (code === undefined) {
          const name = syscallBaseName(printed);
          code = codeOf.get(name);
          if (code === undefined) {
            codeOf.set(name, (code = this.names.length));
            this.names.push(name);
          }
          codeOfPrinted.set(printed, code);
        }
        if (key >= 0) codeOfKey.set(key, code);
      }
      const pid = src.pidOf(id);
      let ofTask = open.get(pid);
      if (enter) {
        if (!ofTask) open.set(pid, (ofTask = new Map()));
        ofTask.set(code, this.push(id, pid, code));
        continue;
      }
      const c = ofTask?.get(code);
      if (c === undefined) continue;
      this.exitIds[c] = id;
      this.exitTss[c] = src.tsOf(id);
      this.rets[c] = exitRet(src, id) ?? NaN;
      ofTask!.delete(code);
    }
  }

  private push(id: number, pid: number, code: number): number {
    const c = this.n++;
    this.enterIds[c] = id;
    this.exitIds[c] = -1;
    this.enterTss[c] = this.src.tsOf(id);
    this.exitTss[c] = NaN;
    this.rets[c] = NaN;
    this.pids[c] = pid;
    this.nameCodes[c] = code;
    return c;
  }

  get length(): number {
    return this.n;
  }
  enterId(c: number): number {
    return this.enterIds[c];
  }
  enterTs(c: number): number {
    return this.enterTss[c];
  }
  /** Whether the call returned inside the trace. */
  returned(c: number): boolean {
    return this.exitIds[c] >= 0;
  }
  /** The exit's id (-1 when the call did not return). */
  exitId(c: number): number {
    return this.exitIds[c];
  }
  /** The exit's time (NaN when the call did not return). */
  exitTs(c: number): number {
    return this.exitTss[c];
  }
  ret(c: number): number | undefined {
    const r = this.rets[c];
    return Number.isNaN(r) ? undefined : r;
  }
  pid(c: number): number {
    return this.pids[c];
  }
  /** `mprotect`, `mmap`, ... */
  name(c: number): string {
    return this.names[this.nameCodes[c]];
  }

  /** The arguments the protection replay reads, parsed from the entry's raw fields on first read. */
  args(c: number): SyscallArgs {
    let a = this.parsed.get(c);
    if (!a) {
      const f = this.src.rawOf(this.enterIds[c], 'syscall').fields;
      a = { addr: hexArg(f.addr), start: hexArg(f.start), len: hexArg(f.len), prot: hexArg(f.prot) };
      this.parsed.set(c, a);
    }
    return a;
  }

  /** First call entered at or after ts. */
  firstAt(ts: number): number {
    return lowerBoundBy(this.n, (c) => this.enterTss[c], ts);
  }
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

  /**
   * The new segment goes where a stable sort by start puts it: after every segment starting at or before it. The
   * list is in start order after a set (a remove can leave a split's right part out of order: then it is sorted,
   * as always). Sorting the whole list on every mmap/mprotect cost ~S log S comparator calls for an mm of S
   * segments (most of permission-upgrade's time on the 256 MiB bench, besides reading the arguments).
   */
  set(as: AddressSpace, start: number, end: number, prot: number): void {
    const keep = this.cut(as, start, end);
    const seg = { start, end, prot };
    // a NaN start (an argument the trace did not print as a number) has no place by `<=`: the comparator sort
    // then decides, as it always did, so the order stays the one the sort gives
    let ordered = !Number.isNaN(start);
    for (let i = 0; i < keep.length && ordered; i++) ordered = !Number.isNaN(keep[i].start) && (i === 0 || keep[i - 1].start <= keep[i].start);
    if (!ordered) {
      keep.push(seg);
      keep.sort((a, b) => a.start - b.start);
      return;
    }
    let at = keep.length;
    while (at > 0 && keep[at - 1].start > start) at--;
    keep.splice(at, 0, seg);
  }

  remove(as: AddressSpace, start: number, end: number): void {
    this.cut(as, start, end);
  }

  /** Protections covering [start, end), or undefined when part of it was never seen mapped. */
  covering(as: AddressSpace, start: number, end: number): number[] | undefined {
    // the overlapping segments in list order, walked in place (no filtered copy of an mm's segments per question)
    const list = this.segs.get(as) ?? [];
    const prots = new Set<number>();
    let at = start;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (!(s.end > start && s.start < end)) continue;
      if (s.start > at) return undefined;
      at = Math.max(at, s.end);
      prots.add(s.prot);
    }
    if (at < end) return undefined;
    return [...prots];
  }

  /** Applies one completed syscall. */
  apply(as: AddressSpace, calls: SyscallCalls, c: number): void {
    const ret = calls.ret(c);
    if (ret === undefined || ret < 0) return;
    // only these three change protections: the arguments of the others are never parsed (nor read from the file)
    const name = calls.name(c);
    if (name !== 'mmap' && name !== 'mprotect' && name !== 'munmap') return;
    const args = calls.args(c);
    const len = args.len ?? 0;
    if (name === 'mmap' && args.prot !== undefined && len > 0) this.set(as, ret, ret + len, args.prot);
    else if (name === 'mprotect' && args.start !== undefined && args.prot !== undefined && ret === 0) this.set(as, args.start, args.start + len, args.prot);
    else if (name === 'munmap' && args.addr !== undefined && ret === 0) this.remove(as, args.addr, args.addr + len);
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
