/**
 * analyzeFile: the one call the CLI and the extension's worker make. Streams the trace into the model, runs
 * every detector and returns the Analysis (src/core/api.ts); summarize() condenses it for every surface.
 */

import type { Analysis, AnalysisSummary, AnalyzeOptions } from './api';
import { columnsOf } from './detect/liteEvent';
import { runRules, validateThresholds } from './detect/rules';
import { TraceInputError } from './ingest/types';
import { buildModel } from './model';
import type { AddressSpace, TraceModel } from './model/types';

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

/**
 * Whether a call span of make_device_exclusive() (the 6.15+ single-address API) was captured. A span's function
 * is its entry event's, and model.spanOf() of that event is the span itself; with the columnar store only the
 * events of that function are visited, so the model never materialises every span of the trace (model.spans
 * keeps them, hundreds of thousands on a long capture, for as long as the model lives).
 */
function makeDeviceExclusiveSpan(model: TraceModel): boolean {
  const cols = columnsOf(model);
  if (!cols) return model.spans.some((s) => s.func === 'make_device_exclusive');
  for (let id = 0; id < model.eventCount; id++) {
    if (cols.store.funcOf(id) === 'make_device_exclusive' && model.spanOf(id)?.func === 'make_device_exclusive') return true;
  }
  return false;
}

/** Kernel version hints the trace itself proves (6.15+ device-exclusive API and CLEAR on restore). */
function kernelHints(a: Analysis): string[] {
  const hints: string[] = [];
  let clearRestore = false;
  for (const r of a.model.invalidations) if (r.origin === 'remove_device_exclusive_entry' && r.event === 'CLEAR') clearRestore = true;
  if (clearRestore || makeDeviceExclusiveSpan(a.model)) hints.push('6.15+ device-exclusive API (make_device_exclusive, CLEAR on restore)');
  return hints;
}

/**
 * How many address spaces model.addressSpaces() lists: the spaces of the tasks (pid > 0) that have events. Counted
 * from the pid column when there is one: addressSpaces() also totals every space's pages, migrations and
 * invalidations, which costs spaces × records on a capture of many runs.
 */
export function addressSpaceCount(model: TraceModel): number {
  const cols = columnsOf(model);
  if (!cols) return model.addressSpaces().length;
  const pids = new Set<number>();
  const spaces = new Set<AddressSpace>();
  for (let id = 0; id < model.eventCount; id++) {
    const pid = cols.store.pid.get(id);
    if (pid <= 0 || pids.has(pid)) continue;
    pids.add(pid);
    spaces.add(cols.asOf(pid));
  }
  return spaces.size;
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
    addressSpaces: addressSpaceCount(a.model),
    pages: a.model.pageCount ?? a.model.pages().length,
    migrations: { count: a.model.migrations.length, requested, collected, migrated },
    invalidations,
    findings,
  };
}
