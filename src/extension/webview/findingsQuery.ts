/**
 * The findings as the webview shows them, answered in bounded pieces: counts per rule and the points of the
 * findings-on-the-time-axis chart (one per pixel column and severity once they crowd), and one rule's
 * findings a slice at a time. A 1 GiB trace has tens of thousands of findings; sending them all is tens of
 * megabytes per view load, while the view shows 50 per rule. Pure (no vscode): the worker answers these
 * next to the analysis, and the request handler uses the same functions over an in-memory analysis.
 */

import type { MissingEvidence, Severity } from '../../core/detect/types';
import { LIMITS, type FindingPoint, type FindingView, type FindingsListResult, type FindingsOverview, type TimeWindow } from '../../protocol';

/** A finding overlaps the window when it starts before the window ends and ends after it starts. */
function overlaps(f: FindingView, w: TimeWindow | undefined): boolean {
  return !w || (f.toTs >= w.fromTs && f.fromTs <= w.toTs);
}

const SEVERITY_NO: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function findingsOverview(
  findings: readonly FindingView[],
  missingEvidence: MissingEvidence[],
  window: TimeWindow | undefined,
  width = 1000,
): FindingsOverview {
  const rules = new Map<string, FindingsOverview['rules'][number]>();
  let inWindow = 0;
  for (const f of findings) {
    let r = rules.get(f.rule);
    if (!r) rules.set(f.rule, (r = { rule: f.rule, severity: f.severity, count: 0, inWindow: 0 }));
    r.count++;
    if (overlaps(f, window)) {
      r.inWindow++;
      inWindow++;
    }
  }
  // the chart's points: findings starting inside the shown axis, one per (pixel column, severity) when crowded
  let axis = window;
  if (!axis) {
    axis = { fromTs: Infinity, toTs: -Infinity };
    for (const f of findings) [axis.fromTs, axis.toTs] = [Math.min(axis.fromTs, f.fromTs), Math.max(axis.toTs, f.fromTs)];
  }
  // at most three points (one per severity) per column, LIMITS.maxFindingPoints in all
  const px = Math.max(1, Math.min(Math.floor(LIMITS.maxFindingPoints / 3), Math.floor(Number.isFinite(width) ? width : 1000)));
  const onAxis = findings.filter((f) => f.fromTs >= axis.fromTs && f.fromTs <= axis.toTs);
  const titles: string[] = [];
  const titleNo = new Map<string, number>();
  const toPoint = (f: FindingView): FindingPoint => {
    let t = titleNo.get(f.title);
    if (t === undefined) titleNo.set(f.title, (t = titles.push(f.title) - 1));
    return { key: f.key, rule: f.rule, severity: f.severity, title: t, fromTs: f.fromTs, count: 1 };
  };
  let points: FindingPoint[];
  const reduced = onAxis.length > px * 3;
  if (!reduced) points = onAxis.map(toPoint);
  else {
    const per = Math.max(1, axis.toTs - axis.fromTs) / px;
    const merged = new Map<number, FindingPoint>();
    for (const f of onAxis) {
      const col = Math.min(px - 1, Math.floor((f.fromTs - axis.fromTs) / per));
      const key = col * 3 + SEVERITY_NO[f.severity];
      const p = merged.get(key);
      if (p) p.count++;
      else merged.set(key, toPoint(f));
    }
    points = [...merged.values()];
  }
  return { total: findings.length, inWindow, rules: [...rules.values()], points, titles, reduced, missingEvidence };
}

export function findingsList(
  findings: readonly FindingView[],
  q: { rule: string; window?: TimeWindow; offset: number; limit: number; focusKey?: string },
): FindingsListResult {
  const offset = Math.max(0, Math.floor(q.offset) || 0);
  const limit = Math.max(0, Math.min(LIMITS.maxFindingRows, Math.floor(q.limit) || 0));
  const out: FindingView[] = [];
  let total = 0;
  let focus: FindingsListResult['focus'];
  for (const f of findings) {
    if (f.rule !== q.rule || !overlaps(f, q.window)) continue;
    if (total >= offset && out.length < limit) out.push(f);
    if (q.focusKey !== undefined && f.key === q.focusKey) focus = { index: total, finding: f };
    total++;
  }
  return focus ? { total, offset, findings: out, focus } : { total, offset, findings: out };
}
