/**
 * What an event name alone tells the full event parser (eventText.ts), decided once per name: its system
 * when the text does not print one, which rule of classify() applies, and the probe heads it printed lately.
 *
 * Names repeat (a 256 MiB trace: 1.5 M events, ~40 names), and a kprobe prints the same `(sym+0x0/0x190)`
 * head on every hit, so one Map lookup per event replaces ~10 string compares, a keyed lookup in
 * KNOWN_SYSTEM and, when the head bytes match kept ones, the head's slice and hash (~0.15 s at 256 MiB).
 */

import { ByteRun } from './byteRun';
import type { ProbeHead } from './probeSite';
import type { RawEventKind } from './types';

export const enum NameClass {
  Other,
  /** `tracing_mark_write` */
  Marker,
  /** `print` (trace-cmd's marker, when the body starts with the writer prefix) */
  Print,
  /** `function` (not in perf, where it is an ordinary name) */
  Function,
  KernelStack,
  UserStack,
  /** `funcgraph_entry` / `funcgraph_exit` */
  Graph,
  SyscallEnter,
  SyscallExit,
  Console,
}

export interface NameInfo {
  /** The text style the info is for (nameInfo's `style`). */
  style: string;
  cls: NameClass;
  /** KNOWN_SYSTEM's system for the name (tracefs and trace-cmd text print none). */
  system: string | undefined;
  /** The probe heads printed under this name lately, the last one matched first (see cachedHead). */
  heads: KnownHead[];
  /** The counting path's heads (eventBytes.ts): kinds decided on bytes, without a ProbeHead. */
  byteHeads: KnownByteHead[];
}

/** A probe head as printed, `(` to `)`, ASCII only (so byte and char offsets agree), and what it is. */
export interface KnownHead {
  run: ByteRun;
  /** What parseProbeHead gave for `bytes`. */
  probe: ProbeHead;
}

/** A `(...)` head as printed, `(` to the first `)`, and the kind it gives (kprobe, kretprobe or tracepoint). */
export interface KnownByteHead {
  run: ByteRun;
  kind: RawEventKind;
}

/**
 * Heads kept per name: a kretprobe prints its caller, and one name can return to several (mn_start_ret: 10
 * callers in the bench trace, mvma_setup_ret 3). With one head kept, every change of caller parsed the head
 * again and copied its bytes (~0.14 s at 256 MiB); a few kept heads make that rare.
 */
const MAX_HEADS = 16;

const MAX_NAMES = 4096;
const byStyle = new Map<string, Map<string, NameInfo>>();

/** The info of `name` in a text of `style`, with `system` from `knownSystem` (cached per name). */
export function nameInfo(name: string, style: string, knownSystem: Record<string, string>): NameInfo {
  let cache = byStyle.get(style);
  if (cache === undefined) byStyle.set(style, (cache = new Map()));
  let info = cache.get(name);
  if (info === undefined) {
    if (cache.size >= MAX_NAMES) cache.clear();
    info = { style, cls: classOf(name, style), system: knownSystem[name], heads: [], byteHeads: [] };
    cache.set(name, info);
  }
  return info;
}

function classOf(name: string, style: string): NameClass {
  if (name === 'tracing_mark_write') return NameClass.Marker;
  if (name === 'print') return NameClass.Print;
  if (name === 'function' && style !== 'perf') return NameClass.Function;
  if (name === 'kernel_stack') return NameClass.KernelStack;
  if (name === 'user_stack') return NameClass.UserStack;
  if (name === 'funcgraph_entry' || name === 'funcgraph_exit') return NameClass.Graph;
  if (name.startsWith('sys_enter_')) return NameClass.SyscallEnter;
  if (name.startsWith('sys_exit_')) return NameClass.SyscallExit;
  if (name === 'console') return NameClass.Console;
  return NameClass.Other;
}

/**
 * The kept head of `info` that bytes [b, e) of `buf` start with, followed by a space or the end (then the
 * body's first `)` is the head's, and the head text is the same: parseProbeHead would give the same). The
 * head found moves to the front: the next event of the name most likely prints it again.
 */
export function cachedHead(info: NameInfo, buf: Uint8Array, b: number, e: number): KnownHead | undefined {
  return findHead(info.heads, buf, b, e);
}

/** cachedHead of the counting path's heads. */
export function cachedByteHead(info: NameInfo, buf: Uint8Array, b: number, e: number): KnownByteHead | undefined {
  return findHead(info.byteHeads, buf, b, e);
}

function findHead<H extends { run: ByteRun }>(heads: H[], buf: Uint8Array, b: number, e: number): H | undefined {
  for (let h = 0; h < heads.length; h++) {
    const known = heads[h];
    const n = known.run.length;
    if (b + n > e || (b + n < e && buf[b + n] !== 32) || !known.run.matches(buf, b)) continue;
    if (h > 0) {
      heads[h] = heads[0];
      heads[0] = known;
    }
    return known;
  }
  return undefined;
}

/** Keeps the head at bytes [b, close] of `buf` and its kind for the counting path (the oldest kept one goes). */
export function rememberByteHead(info: NameInfo, buf: Uint8Array, b: number, close: number, kind: RawEventKind): void {
  const heads = info.byteHeads;
  if (heads.length >= MAX_HEADS) heads.pop();
  heads.unshift({ run: new ByteRun(buf, b, close + 1), kind });
}

/** Keeps the head at bytes [b, close] of `buf` for `info` when it is ASCII (the oldest kept one goes). */
export function rememberHead(info: NameInfo, buf: Uint8Array, b: number, close: number, probe: ProbeHead): void {
  for (let k = b; k <= close; k++) if (buf[k] >= 0x80) return;
  const heads = info.heads;
  if (heads.length >= MAX_HEADS) heads.pop();
  heads.unshift({ run: new ByteRun(buf, b, close + 1), probe });
}
