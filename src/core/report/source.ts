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
import { columnsOf } from '../detect/liteEvent';

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
 * trace.dat (binary records) the event's one-line summary stands in for the line. The line → event index is
 * built on the first quote (a JSON report quotes none), from the store's line and offset columns when the model
 * has them: model.event() would re-read every evidence event's fields from the trace.
 */
export function reportSource(a: Analysis, notes?: ReportNote[]): ReportSource & { close(): void } {
  const cols = columnsOf(a.model);
  const lineOf = (id: number): number => (cols ? cols.store.line.get(id) : a.model.event(id).line);
  const offsetOf = (id: number): number => (cols ? cols.store.offset.get(id) : a.model.event(id).offset);
  let where: Map<number, number> | undefined;
  /** Evidence line → the first event id printed on it (findings first, then the notes' lines). */
  const evidence = (): Map<number, number> => {
    if (where) return where;
    where = new Map();
    for (const f of a.findings) {
      for (const id of f.eventIds) {
        const line = lineOf(id);
        if (!where.has(line)) where.set(line, id);
      }
    }
    for (const n of notes ?? []) {
      if (where.has(n.line)) continue;
      const ids = a.model.eventsAtLine(n.line);
      if (ids.length > 0) where.set(n.line, ids[0]);
    }
    return where;
  };
  let fd: number | undefined;
  const binary = a.format === 'trace-dat';
  const cache = new Map<number, string | undefined>();
  const lineText = (line: number): string | undefined => {
    if (cache.has(line)) return cache.get(line);
    const id = evidence().get(line);
    let text: string | undefined;
    if (id !== undefined) {
      if (binary) text = a.model.event(id).summary;
      else {
        try {
          fd ??= openSync(a.file, 'r');
          text = readLineAt(fd, offsetOf(id));
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
