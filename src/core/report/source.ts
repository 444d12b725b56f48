/**
 * What a report is made of, independent of where the analysis lives: the summary, findings, missing evidence,
 * the user's notes, and a way to quote an evidence line verbatim. reportSource() builds it from an Analysis,
 * reading only the evidence lines (by byte offset), never the whole trace.
 */

import { closeSync, openSync, readSync } from 'node:fs';
import type { Analysis, AnalysisSummary } from '../api';
import type { Finding, MissingEvidence } from '../detect/types';
import type { TraceFormat } from '../ingest/types';
import { summarize } from '../analyze';

/** A user's note as the extension passes it: on a line, optionally tied to a finding; `expected` suppresses it. */
export interface ReportNote {
  line: number;
  findingKey?: string;
  body: string;
  expected?: boolean;
}

export interface ReportSource {
  file: string;
  format: TraceFormat;
  summary: AnalysisSummary;
  findings: Finding[];
  missingEvidence: MissingEvidence[];
  notes?: ReportNote[];
  /** The trace line's text, verbatim (or undefined when it cannot be read). */
  lineText?: (line: number) => string | undefined;
}

/** Longest evidence line quoted, in bytes (a 1 MiB line is cut, never read whole). */
const MAX_LINE_BYTES = 4096;

/** Reads one line of a text file starting at a byte offset. */
export function readLineAt(fd: number, offset: number): string {
  const buf = Buffer.alloc(MAX_LINE_BYTES);
  const n = readSync(fd, buf, 0, MAX_LINE_BYTES, offset);
  let end = buf.subarray(0, n).indexOf(0x0a);
  if (end < 0) end = n;
  let text = buf.toString('utf8', 0, end);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  return end === n && n === MAX_LINE_BYTES ? `${text}…` : text;
}

/**
 * Builds a report source from an analysis. Evidence lines are looked up by their events' byte offsets; for
 * trace.dat (binary records) the event's one-line summary stands in for the line.
 */
export function reportSource(a: Analysis, notes?: ReportNote[]): ReportSource & { close(): void } {
  const where = new Map<number, { offset: number; id: number }>();
  for (const f of a.findings) {
    for (const id of f.eventIds) {
      const ev = a.model.event(id);
      if (!where.has(ev.line)) where.set(ev.line, { offset: ev.offset, id });
    }
  }
  for (const n of notes ?? []) {
    if (where.has(n.line)) continue;
    const ids = a.model.eventsAtLine(n.line);
    if (ids.length > 0) where.set(n.line, { offset: a.model.event(ids[0]).offset, id: ids[0] });
  }
  let fd: number | undefined;
  const binary = a.format === 'trace-dat';
  const cache = new Map<number, string | undefined>();
  const lineText = (line: number): string | undefined => {
    if (cache.has(line)) return cache.get(line);
    const w = where.get(line);
    let text: string | undefined;
    if (w) {
      if (binary) text = a.model.event(w.id).summary;
      else {
        try {
          fd ??= openSync(a.file, 'r');
          text = readLineAt(fd, w.offset);
        } catch {
          text = undefined;
        }
      }
    }
    cache.set(line, text);
    return text;
  };
  return {
    file: a.file,
    format: a.format,
    summary: summarize(a),
    findings: a.findings,
    missingEvidence: a.missingEvidence,
    notes,
    lineText,
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
