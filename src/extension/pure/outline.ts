/**
 * The trace's outline (document symbols and breadcrumbs): the test program's `tracing_mark_write` markers
 * become sections; inside them, migrations, invalidation bursts and findings in file order. vscode-free.
 */

import type { Finding } from '../../core/detect/types';
import type { EditorData, InvalidationLine } from '../worker/editorData';
import { hex, plural, rangeSize, ruleShort } from './format';
import { originName } from './findingsPlan';

export type OutlineKind = 'marker' | 'migration' | 'burst' | 'invalidation' | 'finding';

export interface OutlineNode {
  name: string;
  detail: string;
  kind: OutlineKind;
  /** 1-based, inclusive */
  line: number;
  endLine: number;
  children: OutlineNode[];
}

/** Invalidations of one address space closer than this to the previous one form a burst. */
export const BURST_GAP_NS = 1_000_000;

export function buildOutline(data: EditorData, lineCount: number, maxNodes = 20000): OutlineNode[] {
  const items: OutlineNode[] = [];
  for (const m of data.migrations) {
    if (m.line <= 0) continue;
    const dir = m.direction === 'to-device' ? '→ device' : m.direction === 'to-system' ? '→ RAM' : '';
    items.push(leaf('migration', `migrate_vma ${plural(m.npages, 'page')} ${dir}`.trim(), `${m.comm}-${m.pid} ${hex(m.start)}`, m.line));
  }
  for (const b of invalidationBursts(data.invalidations)) items.push(b);
  for (const f of data.findings) if (f.lines.length > 0) items.push(findingNode(f));
  items.sort((a, b) => a.line - b.line || order(a.kind) - order(b.kind));
  const capped = items.slice(0, maxNodes);

  const markers = data.markers.filter((m) => m.line > 0).sort((a, b) => a.line - b.line);
  if (markers.length === 0) return capped;
  const roots: OutlineNode[] = [];
  let i = 0;
  while (i < capped.length && capped[i].line < markers[0].line) roots.push(capped[i++]);
  markers.forEach((mk, k) => {
    const endLine = k + 1 < markers.length ? markers[k + 1].line - 1 : Math.max(lineCount, mk.line);
    const section: OutlineNode = { name: mk.text.trim() || '(empty marker)', detail: `marker, line ${mk.line}`, kind: 'marker', line: mk.line, endLine, children: [] };
    while (i < capped.length && capped[i].line <= endLine) {
      const item = capped[i++];
      item.endLine = Math.min(item.endLine, endLine);
      section.children.push(item);
    }
    roots.push(section);
  });
  return roots;
}

function order(k: OutlineKind): number {
  return k === 'marker' ? 0 : k === 'migration' ? 1 : k === 'burst' || k === 'invalidation' ? 2 : 3;
}

function leaf(kind: OutlineKind, name: string, detail: string, line: number): OutlineNode {
  return { name, detail, kind, line, endLine: line, children: [] };
}

function findingNode(f: Finding): OutlineNode {
  const first = f.lines[0];
  return leaf('finding', `${f.severity === 'error' ? '✖' : f.severity === 'warning' ? '⚠' : 'ℹ'} ${f.title}`, ruleShort(f.rule), first);
}

function invalidationNode(r: InvalidationLine): OutlineNode {
  const from = r.origin !== 'unknown' ? ` from ${originName(r.origin)}` : '';
  return leaf('invalidation', `${r.event} ${rangeSize(r.start, r.end)}${from}`, `${r.comm}-${r.pid} ${hex(r.start)}`, r.line);
}

/** Consecutive invalidations of one address space, each within BURST_GAP_NS of the previous. */
export function invalidationBursts(list: readonly InvalidationLine[]): OutlineNode[] {
  const sorted = list.filter((r) => r.line > 0).sort((a, b) => a.line - b.line);
  const open = new Map<string, InvalidationLine[]>();
  const groups: InvalidationLine[][] = [];
  for (const r of sorted) {
    const k = String(r.as);
    const g = open.get(k);
    if (g && r.ts - g[g.length - 1].ts <= BURST_GAP_NS) g.push(r);
    else {
      const ng = [r];
      open.set(k, ng);
      groups.push(ng);
    }
  }
  return groups.map((g) => {
    if (g.length === 1) return invalidationNode(g[0]);
    const events = [...new Set(g.map((r) => r.event))].join(', ');
    const span = g[g.length - 1].ts - g[0].ts;
    return {
      name: `${g.length} invalidations (${events})`,
      detail: `${g[0].comm}-${g[0].pid}, ${(span / 1e6).toFixed(3)} ms`,
      kind: 'burst' as const,
      line: g[0].line,
      endLine: g[g.length - 1].line,
      children: g.map(invalidationNode),
    };
  });
}
