/**
 * Which findings appear where: the Problems panel (capped, most severe first, expected ones left out),
 * the line annotations (one short after-line text per evidence line) and CodeLens counts. vscode-free.
 */

import type { Finding, Severity } from '../../core/detect/types';
import type { EditorData, InvalidationLine, MigrationLine } from '../worker/editorData';
import { rangeSize, ruleShort } from './format';
import { lowerBoundBy } from '../../core/sorted';

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface PlannedDiagnostic {
  finding: Finding;
  /** 1-based line the diagnostic sits on (the most telling evidence). */
  line: number;
  /** The other evidence lines (related information). */
  related: number[];
}

export interface DiagnosticsPlan {
  diagnostics: PlannedDiagnostic[];
  /** Findings left out because of the cap. */
  omitted: number;
  suppressed: number;
}

export function planDiagnostics(findings: readonly Finding[], expected: ReadonlySet<string>, max: number): DiagnosticsPlan {
  const active = findings.filter((f) => !expected.has(f.key) && f.lines.length > 0);
  const sorted = [...active].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.lines[0] - b.lines[0] || a.rule.localeCompare(b.rule));
  const kept = sorted.slice(0, Math.max(0, max));
  return {
    diagnostics: kept.map((f) => ({ finding: f, line: f.lines[0], related: [...new Set(f.lines.slice(1))].filter((l) => l !== f.lines[0]).slice(0, 20) })),
    omitted: sorted.length - kept.length,
    suppressed: findings.length - active.length - findings.filter((f) => f.lines.length === 0).length,
  };
}

/** Why an invalidation was flagged, in a word or two, per rule. */
const INVALIDATION_VERDICT: Record<string, string> = {
  'invalidation/split-clear': 'spurious',
  'invalidation/self-during-migration': 'self-invalidation during migration',
  'invalidation/no-op-migration': 'nothing migrated',
  'invalidation/duplicate': 'duplicate',
  'invalidation/permission-upgrade': 'permission upgrade only',
  'invalidation/unfiltered-own': "driver's own event not filtered",
  'invalidation/exclusive-ping-pong': 'exclusive ping-pong',
};

const ORIGIN_FUNCTION: Record<string, string> = {
  split_huge_pmd: '__split_huge_pmd',
  migrate_vma_setup: 'migrate_vma_setup',
  migrate_vma_pages: 'migrate_vma_pages',
  try_to_migrate_one: 'try_to_migrate_one',
  migrate_to_ram: 'migrate_to_ram',
  zap: 'zap_page_range',
  munmap: 'munmap',
  mprotect: 'mprotect',
  fork: 'fork (copy_page_range)',
  madvise: 'madvise',
  make_device_exclusive: 'make_device_exclusive',
  remove_device_exclusive_entry: 'remove_device_exclusive_entry',
  wp_page_copy: 'wp_page_copy',
  exit: 'exit_mmap',
};

export function originName(origin: string): string {
  return ORIGIN_FUNCTION[origin] ?? origin;
}

export interface LineAnnotation {
  line: number;
  severity: Severity;
  /** `⟵ CLEAR 2 MiB from __split_huge_pmd: spurious (split-clear)` */
  text: string;
  findings: Finding[];
}

export interface LineIndex {
  invalidationAt: Map<number, InvalidationLine>;
  migrationAt: Map<number, MigrationLine>;
  findingsAt: Map<number, Finding[]>;
}

export function indexLines(data: EditorData): LineIndex {
  const invalidationAt = new Map<number, InvalidationLine>();
  for (const r of data.invalidations) if (r.line > 0 && !invalidationAt.has(r.line)) invalidationAt.set(r.line, r);
  const migrationAt = new Map<number, MigrationLine>();
  for (const r of data.migrations) if (r.line > 0 && !migrationAt.has(r.line)) migrationAt.set(r.line, r);
  const findingsAt = new Map<number, Finding[]>();
  for (const f of data.findings) {
    for (const l of new Set(f.lines)) {
      const list = findingsAt.get(l);
      if (list) list.push(f);
      else findingsAt.set(l, [f]);
    }
  }
  return { invalidationAt, migrationAt, findingsAt };
}

/** One annotation per line that is the first evidence of at least one (not expected) finding; sorted by line. */
export function lineAnnotations(data: EditorData, index: LineIndex, expected: ReadonlySet<string>): LineAnnotation[] {
  const byLine = new Map<number, Finding[]>();
  for (const f of data.findings) {
    if (expected.has(f.key) || f.lines.length === 0) continue;
    const list = byLine.get(f.lines[0]);
    if (list) list.push(f);
    else byLine.set(f.lines[0], [f]);
  }
  const out: LineAnnotation[] = [];
  for (const [line, fs] of byLine) {
    fs.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
    const first = fs[0];
    let text = `⟵ ${describeAt(first, index.invalidationAt.get(line), index.migrationAt.get(line))}`;
    if (fs.length > 1) text += ` +${fs.length - 1} more`;
    out.push({ line, severity: first.severity, text, findings: fs });
  }
  return out.sort((a, b) => a.line - b.line);
}

function describeAt(f: Finding, inv: InvalidationLine | undefined, mig: MigrationLine | undefined): string {
  const short = ruleShort(f.rule);
  if (inv) {
    const verdict = INVALIDATION_VERDICT[f.rule] ?? (f.rule.startsWith('refcount/') ? 'during a stalled migration' : 'suspicious');
    // split-clear names the THP split as the sender even when the enclosing call (the model's origin) is
    // the caller that split the PMD, e.g. make_device_exclusive: say both
    const origin = inv.origin !== 'unknown' ? originName(inv.origin) : undefined;
    const from =
      f.rule === 'invalidation/split-clear' ? ` from __split_huge_pmd${origin && origin !== '__split_huge_pmd' ? ` in ${origin}` : ''}`
      : origin ? ` from ${origin}` : '';
    return `${inv.event} ${rangeSize(inv.start, inv.end)}${from}: ${verdict} (${short})`;
  }
  if (mig) {
    const dir = mig.direction === 'to-device' ? 'to device' : mig.direction === 'to-system' ? 'to RAM' : '';
    return `migration of ${mig.npages} page${mig.npages === 1 ? '' : 's'}${dir ? ' ' + dir : ''}: ${f.title} (${short})`;
  }
  return `${f.title} (${short})`;
}

/** Binary search: annotations whose line lies in one of the (1-based, inclusive) ranges. */
export function visibleAnnotations(sorted: readonly LineAnnotation[], ranges: readonly { start: number; end: number }[]): LineAnnotation[] {
  const out: LineAnnotation[] = [];
  for (const r of ranges) {
    const lo = lowerBoundBy(sorted.length, (i) => sorted[i].line, r.start);
    for (let i = lo; i < sorted.length && sorted[i].line <= r.end; i++) out.push(sorted[i]);
  }
  return out;
}
