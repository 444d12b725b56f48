/**
 * The Findings view's shape: by rule, then by page; findings marked expected by a note go to a separate
 * "Expected" group (suppressed, never deleted); rules that could not decide are listed too. vscode-free.
 */

import type { Finding, MissingEvidence, Severity } from '../../core/detect/types';
import { SEVERITY_RANK } from './findingsPlan';

export interface RuleGroup {
  rule: string;
  severity: Severity;
  title: string;
  count: number;
  pages: PageGroup[];
}

export interface PageGroup {
  /** `0x7f..000`, or '' for findings that name no page */
  page: string;
  findings: Finding[];
}

export interface FindingsTreeModel {
  rules: RuleGroup[];
  expected: Finding[];
  missing: MissingEvidence[];
}

export function groupFindings(findings: readonly Finding[], expected: ReadonlySet<string>, missing: readonly MissingEvidence[] = []): FindingsTreeModel {
  const rules = new Map<string, RuleGroup>();
  const exp: Finding[] = [];
  for (const f of findings) {
    if (expected.has(f.key)) {
      exp.push(f);
      continue;
    }
    let g = rules.get(f.rule);
    if (!g) {
      g = { rule: f.rule, severity: f.severity, title: f.title, count: 0, pages: [] };
      rules.set(f.rule, g);
    }
    g.count++;
    if (SEVERITY_RANK[f.severity] < SEVERITY_RANK[g.severity]) g.severity = f.severity;
    const page = f.pages[0] ?? '';
    let pg = g.pages.find((p) => p.page === page);
    if (!pg) {
      pg = { page, findings: [] };
      g.pages.push(pg);
    }
    pg.findings.push(f);
  }
  const sorted = [...rules.values()].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.rule.localeCompare(b.rule));
  for (const g of sorted) {
    g.pages.sort((a, b) => (a.page === '' ? 1 : b.page === '' ? -1 : cmpHex(a.page, b.page)));
    for (const p of g.pages) p.findings.sort((a, b) => (a.lines[0] ?? 0) - (b.lines[0] ?? 0));
  }
  return { rules: sorted, expected: exp, missing: [...missing] };
}

function cmpHex(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}

/** Next/previous finding from a line: the first evidence lines of all (non-expected) findings, wrapping. */
export function nextFindingLine(findings: readonly Finding[], expected: ReadonlySet<string>, fromLine: number, direction: 1 | -1): number | undefined {
  const lines = [...new Set(findings.filter((f) => !expected.has(f.key) && f.lines.length > 0).map((f) => f.lines[0]))].sort((a, b) => a - b);
  if (lines.length === 0) return undefined;
  if (direction === 1) return lines.find((l) => l > fromLine) ?? lines[0];
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i] < fromLine) return lines[i];
  return lines[lines.length - 1];
}
