/**
 * The core's public API: the one place the CLI, the extension (through its worker) and tests enter.
 *
 *   file ─ingest→ RawEvent stream ─decode→ DomainEvent ─model→ TraceModel ─detect→ Finding[] ─report→ JSON/SARIF/MD
 *
 * Layers:
 * - src/core/ingest   readTrace(path, sink, opts) → IngestSummary; sniffFormat(path); trace.dat included.
 * - src/core/decode   ProbeCatalog (kprobe_events definitions, well-known names, field aliases) + decoders.
 * - src/core/model    buildModel(...) → TraceModel (types in model/types.ts).
 * - src/core/detect   runRules(model, thresholds) → { findings, missingEvidence } (types in detect/types.ts).
 * - src/core/report   toJson / toSarif / toMarkdown.
 * - src/core/recipe   capture recipes.
 * Nothing in src/core imports 'vscode' or touches the DOM.
 */

import type { IngestSummary, ReadOptions, TraceFormat } from './ingest/types';
import type { AddressSpace, AddressSpaceSummary, DomainEvent, InvalidationRecord, LodAggregate, Marker, MigrationRecord, PageState, PageSummary, PageTimeline, TraceModel, CallSpan } from './model/types';
import type { Finding, MissingEvidence, Thresholds } from './detect/types';

export interface AnalyzeOptions extends ReadOptions {
  /** Text of kprobe_events/dynamic_events definitions (given, or discovered next to the trace). */
  probeDefinitions?: string[];
  /** Extra field-name spellings: canonical name (`start`, `end`, `event`, `owner`, `addr`, ...) → aliases. */
  fieldAliases?: Record<string, string[]>;
  /** `rule-id.threshold-name` → value; missing ones take the rule's default. */
  thresholds?: Thresholds;
  /** When false, do not look for kprobe_events files next to the trace. Default true. */
  discoverProbes?: boolean;
  /**
   * Build the model of a large ftrace text file on two threads (see model/parallel.ts). Default: from
   * 64 MiB. `false` reads in one pass; `minBytes` moves the threshold; `cutAt` forces the cut near that
   * offset (tests).
   */
  parallel?: false | { minBytes?: number; cutAt?: number };
}

/** Where probe definitions came from, and which events stayed unresolved. */
export interface ProbeResolution {
  sources: string[];
  /** Event names that we could not map to a kernel function → count. */
  unresolved: Record<string, number>;
}

export interface Analysis {
  file: string;
  format: TraceFormat;
  ingest: IngestSummary;
  probes: ProbeResolution;
  model: TraceModel;
  findings: Finding[];
  missingEvidence: MissingEvidence[];
  /** Wall-clock ms per stage, for the status bar and the bench. */
  timings: { ingestAndModelMs: number; detectMs: number };
}

/** The summary every surface shows (CLI analyze, overview cards, status bar). */
export interface AnalysisSummary {
  file: string;
  format: TraceFormat;
  formatDetail: string;
  kernelHints: string[];
  events: number;
  lines: number;
  unparsed: number;
  lostEvents: number;
  firstTs: number;
  lastTs: number;
  addressSpaces: number;
  pages: number;
  migrations: { count: number; requested: number; collected: number; migrated: number };
  invalidations: Record<string, number>;
  findings: Record<'error' | 'warning' | 'info', number>;
}

/**
 * Async view of an analysis for consumers in another thread (the extension talks to its worker through
 * this; the webview talks to the extension through src/protocol.ts, whose requests map onto these).
 */
export interface AnalysisQueries {
  summary(): Promise<AnalysisSummary>;
  findings(): Promise<{ findings: Finding[]; missingEvidence: MissingEvidence[] }>;
  event(id: number): Promise<DomainEvent | undefined>;
  eventsAtLine(line: number): Promise<DomainEvent[]>;
  eventsInWindow(fromTs: number, toTs: number, limit: number): Promise<DomainEvent[]>;
  aggregate(fromTs: number, toTs: number, buckets: number): Promise<LodAggregate>;
  pages(filter?: { as?: AddressSpace; start?: number; end?: number; state?: PageState; text?: string; offset?: number; limit?: number }): Promise<{ total: number; pages: PageSummary[] }>;
  pagesOfEvent(id: number): Promise<{ as: AddressSpace; vpns: number[] }>;
  timeline(as: AddressSpace, vpn: number): Promise<PageTimeline | undefined>;
  stateAround(as: AddressSpace, vpn: number, eventId: number): Promise<{ before: PageState; after: PageState }>;
  spanOf(id: number): Promise<CallSpan | undefined>;
  addressSpaces(): Promise<AddressSpaceSummary[]>;
  migrations(): Promise<MigrationRecord[]>;
  invalidations(): Promise<InvalidationRecord[]>;
  markers(): Promise<Marker[]>;
}
