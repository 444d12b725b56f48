/**
 * `analyze --json`: exactly the object issue 5 specifies. Timestamps are strings (seconds with 9 decimals,
 * exact), so no consumer loses nanoseconds to floating point.
 */

import { formatTs } from '../ingest/types';
import type { ReportSource } from './source';

export interface JsonFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  message: string;
  as: number | string | null;
  pages: string[];
  fromTs: string;
  toTs: string;
  lines: number[];
}

export interface JsonReport {
  file: string;
  format: string;
  summary: { events: number; pages: number; migrations: number; invalidations: Record<string, number> };
  findings: JsonFinding[];
  missingEvidence: { rule: string; message: string }[];
}

export function toJson(src: ReportSource): JsonReport {
  return {
    file: src.file,
    format: src.format,
    summary: {
      events: src.summary.events,
      pages: src.summary.pages,
      migrations: src.summary.migrations.count,
      invalidations: { ...src.summary.invalidations },
    },
    findings: src.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      title: f.title,
      message: f.message,
      as: f.as,
      pages: [...f.pages],
      fromTs: formatTs(f.fromTs),
      toTs: formatTs(f.toTs),
      lines: [...f.lines],
    })),
    missingEvidence: src.missingEvidence.map((m) => ({ rule: m.rule, message: m.message })),
  };
}
