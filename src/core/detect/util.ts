/**
 * Small helpers every rule shares: page arithmetic, address formatting, stable finding keys, and building a
 * Finding from evidence events. Kept free of rule logic so each rule file reads as kernel reasoning only.
 */

import { formatTs } from '../ingest/types';
import type { AddressSpace, TraceModel } from '../model/types';
import type { Finding, RuleId, Severity } from './types';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** A PMD maps 2 MiB on x86_64 (HPAGE_PMD_SIZE); `__split_huge_pmd` always notifies this whole range. */
export const HPAGE_PMD_SIZE = 2 * 1024 * 1024;
/** Pages listed in a finding at most (the contract says 64). */
export const MAX_LISTED_PAGES = 64;
/** -EAGAIN as returned by folio_migrate_mapping / migrate_folio*. */
export const EAGAIN = -11;

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function vpnOf(addr: number): number {
  return Math.floor(addr / PAGE_SIZE);
}

/**
 * Page address texts, shared: a finding lists up to 64 pages and the same pages recur across findings (the
 * 256 MiB bench's 5.7k findings list 63k pages, 625 distinct; unshared, those strings held 4.8 MB for as long as
 * the analysis lives). Bounded, so a long session does not keep every page it ever printed.
 */
const pageTexts = new Map<number, string>();
const MAX_PAGE_TEXTS = 4096;

export function pageAddr(vpn: number): string {
  let text = pageTexts.get(vpn);
  if (text === undefined) {
    if (pageTexts.size >= MAX_PAGE_TEXTS) pageTexts.clear();
    text = hex(vpn * PAGE_SIZE);
    pageTexts.set(vpn, text);
  }
  return text;
}

/**
 * The same string, flattened: a template literal with many parts is a rope (V8 cons strings, one node per part)
 * until something reads its characters, and a finding keeps its message and key for as long as the analysis
 * lives (5.7k findings of the 256 MiB bench: 7.2 MB as ropes, 2.5 MB flat). Reading one character makes V8
 * flatten it in place.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** `[0x7f..000, 0x7f..000)` with the page count, the way kernel people read ranges. */
export function rangeText(start: number, end: number): string {
  const pages = Math.max(0, Math.ceil((end - start) / PAGE_SIZE));
  return `[${hex(start)}, ${hex(end)}) (${pages} page${pages === 1 ? '' : 's'})`;
}

/** The first pages of a range, at most MAX_LISTED_PAGES. A range ending at ~0 (exit) is listed from its start. */
export function pagesOfRange(start: number, end: number, limit = MAX_LISTED_PAGES): string[] {
  const out: string[] = [];
  const first = vpnOf(start);
  const last = Math.ceil(end / PAGE_SIZE);
  for (let v = first; v < last && out.length < limit; v++) out.push(pageAddr(v));
  return out;
}

export function pagesOfVpns(vpns: Iterable<number>, limit = MAX_LISTED_PAGES): string[] {
  const sorted = [...new Set(vpns)].sort((a, b) => a - b);
  return sorted.slice(0, limit).map(pageAddr);
}

/** `hmmtrace-173` — comm is untrusted text, shown as-is (renderers escape it). */
export function taskText(comm: string, pid: number): string {
  // kernel-log lines (dmesg) carry no task: pid -1
  if (pid < 0) return comm.length > 0 ? comm : 'kernel log';
  return `${comm}-${pid}`;
}

export function timeText(ns: number): string {
  return `${formatTs(ns)}`;
}

export function msText(ns: number): string {
  const ms = ns / 1e6;
  return ms >= 10 ? `${ms.toFixed(1)} ms` : ms >= 0.01 ? `${ms.toFixed(3)} ms` : `${(ns / 1000).toFixed(1)} µs`;
}

export function ownerIsNull(owner: string | undefined): boolean {
  return owner !== undefined && /^0x0*$/i.test(owner);
}

/** Parses kprobe/tracepoint numbers: `0x..` hex, `-11` decimal. Syscall args are hex without prefix (see hexArg). */
export function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = v.trim();
  if (/^-?0x[0-9a-f]+$/i.test(s)) {
    const neg = s.startsWith('-');
    const n = parseInt(neg ? s.slice(3) : s.slice(2), 16);
    return neg ? -n : n;
  }
  if (/^-?\d+$/.test(s)) return parseInt(s, 10);
  return undefined;
}

/** Syscall tracepoints print arguments with `%lx` (ftrace: `start: 7f0bed4b0000`; perf/trace-cmd: `0x...`). */
export function hexArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().replace(/^0x/i, '');
  return /^[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : undefined;
}

export interface FindingInput {
  rule: RuleId;
  severity: Severity;
  title: string;
  message: string;
  explanation: string;
  as: AddressSpace | null;
  /** Range that identifies the finding in its key (pages listed from it unless `pages` is given). */
  start: number;
  end: number;
  pages?: string[];
  fromTs: number;
  toTs: number;
  /** Evidence events, most telling first. */
  eventIds: number[];
  pid?: number;
  comm?: string;
}

/**
 * Builds a Finding: evidence ids → lines (deduplicated, order kept), and the stable key the notes feature uses:
 * rule + address space + range + first evidence line. Nothing time- or run-dependent goes into the key.
 */
export function makeFinding(model: Pick<TraceModel, 'event' | 'eventCount'> & { lineOf?(id: number): number }, f: FindingInput): Finding {
  const ids: number[] = [];
  const lines: number[] = [];
  // a finding names a few dozen events at most: a scan of what is kept so far beats two Sets per finding
  // (22.7k findings at 1 GiB); a Set only for the rare long list
  const seen = f.eventIds.length > 64 ? new Set<number>() : undefined;
  const seenLines = f.eventIds.length > 64 ? new Set<number>() : undefined;
  const count = model.eventCount;
  for (let k = 0; k < f.eventIds.length; k++) {
    const id = f.eventIds[k];
    if (!(id >= 0 && id < count) || (seen ? seen.has(id) : ids.includes(id))) continue;
    seen?.add(id);
    ids.push(id);
    const line = model.lineOf ? model.lineOf(id) : model.event(id).line;
    if (seenLines ? seenLines.has(line) : lines.includes(line)) continue;
    seenLines?.add(line);
    lines.push(line);
  }
  const asText = f.as === null ? '-' : String(f.as);
  const key = flat(`${f.rule}|${asText}|${hex(f.start)}-${hex(f.end)}|${lines[0] ?? 0}`);
  const finding: Finding = {
    rule: f.rule,
    severity: f.severity,
    title: f.title,
    message: flat(f.message),
    explanation: f.explanation,
    as: f.as,
    pages: f.pages ?? pagesOfRange(f.start, f.end),
    fromTs: f.fromTs,
    toTs: f.toTs,
    lines,
    eventIds: ids,
    key,
  };
  if (f.pid !== undefined) finding.pid = f.pid;
  if (f.comm !== undefined) finding.comm = f.comm;
  return finding;
}

export function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart < aEnd;
}

/** Severity ordering for --fail-on and sorting. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
