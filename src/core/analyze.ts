/**
 * analyzeFile: the one call the CLI and the extension's worker make. Streams the trace into the model, runs
 * every detector and returns the Analysis (src/core/api.ts); summarize() condenses it for every surface.
 */

import type { Analysis, AnalysisSummary, AnalyzeOptions } from './api';
import { runRules, validateThresholds } from './detect/rules';
import { TraceInputError } from './ingest/types';
import { buildModel } from './model';

export async function analyzeFile(path: string, opts: AnalyzeOptions = {}): Promise<Analysis> {
  const bad = validateThresholds(opts.thresholds ?? {});
  if (bad.length > 0) throw new TraceInputError(`invalid thresholds: ${bad.join('; ')}`, path);
  const t0 = performance.now();
  const { ingest, model, probes } = await buildModel(path, opts);
  const t1 = performance.now();
  const { findings, missingEvidence } = ingest.cancelled ? { findings: [], missingEvidence: [] } : runRules(model, { thresholds: opts.thresholds });
  const t2 = performance.now();
  return {
    file: path,
    format: ingest.format,
    ingest,
    probes,
    model,
    findings,
    missingEvidence,
    timings: { ingestAndModelMs: t1 - t0, detectMs: t2 - t1 },
  };
}

/** Kernel version hints the trace itself proves (6.15+ device-exclusive API and CLEAR on restore). */
function kernelHints(a: Analysis): string[] {
  const hints: string[] = [];
  let exclusive615 = false;
  let clearRestore = false;
  for (const r of a.model.invalidations) if (r.origin === 'remove_device_exclusive_entry' && r.event === 'CLEAR') clearRestore = true;
  for (const s of a.model.spans) if (s.func === 'make_device_exclusive') exclusive615 = true;
  if (exclusive615 || clearRestore) hints.push('6.15+ device-exclusive API (make_device_exclusive, CLEAR on restore)');
  return hints;
}

export function summarize(a: Analysis): AnalysisSummary {
  const invalidations: Record<string, number> = {};
  for (const r of a.model.invalidations) invalidations[r.event] = (invalidations[r.event] ?? 0) + 1;
  let requested = 0;
  let collected = 0;
  let migrated = 0;
  for (const m of a.model.migrations) {
    requested += m.npages;
    collected += m.unmapped ?? m.cpages ?? 0;
    migrated += m.moved ?? Math.max(0, (m.unmapped ?? m.cpages ?? 0) - m.eagain);
  }
  const findings = { error: 0, warning: 0, info: 0 };
  for (const f of a.findings) findings[f.severity]++;
  const spaces = a.model.addressSpaces();
  return {
    file: a.file,
    format: a.format,
    formatDetail: a.ingest.formatDetail,
    kernelHints: kernelHints(a),
    events: a.ingest.events,
    lines: a.ingest.lines,
    unparsed: a.ingest.unparsedLines,
    lostEvents: a.ingest.lostEvents,
    firstTs: a.ingest.firstTs ?? a.model.firstTs,
    lastTs: a.ingest.lastTs ?? a.model.lastTs,
    addressSpaces: spaces.length,
    pages: a.model.pages().length,
    migrations: { count: a.model.migrations.length, requested, collected, migrated },
    invalidations,
    findings,
  };
}
