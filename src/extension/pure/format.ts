/** Small formatting helpers shared by the editor surfaces (vscode-free). */

import type { AddressSpace } from '../../core/model/types';

export const PAGE_SIZE = 4096;

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Size of an address range in kernel-ish units: `4 KiB`, `64 KiB`, `2 MiB`, `all (~0)`. */
export function rangeSize(start: number, end: number): string {
  const bytes = end - start;
  if (!(bytes > 0)) return '0 B';
  if (bytes >= 2 ** 47) return 'whole address space';
  const units: [number, string][] = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [u, name] of units) if (bytes >= u) return `${+(bytes / u).toFixed(bytes % u === 0 ? 0 : 1)} ${name}`;
  return `${bytes} B`;
}

export function pageCount(start: number, end: number): number {
  return end > start ? Math.ceil(end / PAGE_SIZE) - Math.floor(start / PAGE_SIZE) : 0;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function duration(ns: number): string {
  if (ns < 1000) return `${ns} ns`;
  if (ns < 1e6) return `${+(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1e9) return `${+(ns / 1e6).toFixed(2)} ms`;
  return `${+(ns / 1e9).toFixed(3)} s`;
}

export function asLabel(as: AddressSpace): string {
  return typeof as === 'number' ? `tgid ${as}` : `mm ${as}`;
}

/** Text from a trace shown inside Markdown: every Markdown/HTML metacharacter escaped (untrusted). */
export function mdEscape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

/** The part of a rule id after the family: `invalidation/split-clear` → `split-clear`. */
export function ruleShort(rule: string): string {
  const i = rule.indexOf('/');
  return i >= 0 ? rule.slice(i + 1) : rule;
}

/** Untrusted text as a Markdown code span (backslash escapes do not apply inside one: drop backticks). */
export function mdCode(s: string): string {
  return '`' + s.replace(/[`\r\n]/g, ' ') + '`';
}
