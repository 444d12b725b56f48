/**
 * What the text-editor surfaces (diagnostics, decorations, CodeLens, outline, trees) need from an analysis,
 * computed once in the worker where the model lives: records resolved to their first trace line.
 * vscode-free and bounded (CAPS.records per list).
 */

import type { Analysis, AnalysisSummary } from '../../core/api';
import type { Finding, MissingEvidence } from '../../core/detect/types';
import type { AddressSpace, InvalidationOrigin, Marker, NotifierEvent } from '../../core/model/types';
import { HmmTraceModel } from '../../core/model/traceModel';
import { CAPS } from './caps';

export interface MigrationLine {
  id: number;
  line: number;
  ts: number;
  as: AddressSpace;
  pid: number;
  comm: string;
  start: number;
  end: number;
  npages: number;
  direction: 'to-device' | 'to-system' | 'unknown';
  trigger: string;
  pgmapOwner?: string;
  /** setup → finalize, when both were captured */
  durationNs?: number;
  eagain: number;
  restoredInSetup: number;
  cpages?: number;
  moved?: number;
}

export interface InvalidationLine {
  id: number;
  line: number;
  ts: number;
  as: AddressSpace;
  pid: number;
  comm: string;
  start: number;
  end: number;
  event: NotifierEvent;
  owner?: string;
  /** The owner is a pgmap owner seen in this trace's migrations: the driver's own MIGRATE/EXCLUSIVE. */
  ownerIsDriver: boolean;
  origin: InvalidationOrigin;
  originEvidence: string[];
  durationNs?: number;
  migrationId?: number;
}

export interface EditorData {
  summary: AnalysisSummary;
  findings: Finding[];
  missingEvidence: MissingEvidence[];
  migrations: MigrationLine[];
  invalidations: InvalidationLine[];
  markers: Marker[];
  driverOwners: string[];
  truncated: { migrations: number; invalidations: number; markers: number };
  warnings: string[];
}

export function buildEditorData(analysis: Analysis, summary: AnalysisSummary): EditorData {
  const m = analysis.model;
  // the line column directly: event(id) would build the whole event, re-reading its fields from the file,
  // which for 10^5 records of a 1 GiB trace is seconds before any editor surface can draw
  const lines = m instanceof HmmTraceModel ? m.store.line : undefined;
  const lineOf = (id: number): number => (id >= 0 && id < m.eventCount ? (lines ? lines.get(id) : m.event(id).line) : 0);
  const driverOwners = new Set<string>();
  for (const mig of m.migrations) if (mig.pgmapOwner && mig.pgmapOwner !== '0x0') driverOwners.add(mig.pgmapOwner);
  const migrations: MigrationLine[] = m.migrations.slice(0, CAPS.records).map((r) => ({
    id: r.id,
    line: lineOf(r.setupId),
    ts: r.setupTs,
    as: r.as,
    pid: r.pid,
    comm: r.comm,
    start: r.start,
    end: r.end,
    npages: r.npages,
    direction: r.direction,
    trigger: r.trigger,
    pgmapOwner: r.pgmapOwner,
    durationNs: r.finalizeTs !== undefined ? r.finalizeTs - r.setupTs : undefined,
    eagain: r.eagain,
    restoredInSetup: r.restoredInSetup,
    cpages: r.cpages,
    moved: r.moved,
  }));
  const invalidations: InvalidationLine[] = m.invalidations.slice(0, CAPS.records).map((r) => ({
    id: r.id,
    line: lineOf(r.startId),
    ts: r.startTs,
    as: r.as,
    pid: r.pid,
    comm: r.comm,
    start: r.start,
    end: r.end,
    event: r.event,
    owner: r.owner,
    ownerIsDriver: r.owner !== undefined && driverOwners.has(r.owner),
    origin: r.origin,
    originEvidence: r.originEvidence.slice(0, 8),
    durationNs: r.endTs !== undefined ? r.endTs - r.startTs : undefined,
    migrationId: r.migrationId,
  }));
  return {
    summary,
    findings: analysis.findings.slice(0, CAPS.findings),
    missingEvidence: analysis.missingEvidence,
    migrations,
    invalidations,
    markers: m.markers.slice(0, CAPS.markers),
    driverOwners: [...driverOwners],
    truncated: {
      migrations: Math.max(0, m.migrations.length - migrations.length),
      invalidations: Math.max(0, m.invalidations.length - invalidations.length),
      markers: Math.max(0, m.markers.length - CAPS.markers),
    },
    warnings: analysis.ingest.warnings,
  };
}
