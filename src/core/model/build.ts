/**
 * buildModel: stream a trace through ingest → decode → the columnar store, then rebuild address spaces,
 * call spans, page placement, and replay migrations/invalidations/page states. Memory stays bounded by the
 * columns (56 bytes per event: see store.ts) plus the pages and records; raw fields are kept only for small traces.
 */

import { statSync } from 'node:fs';
import { readTrace } from '../ingest';
import type { IngestSummary, RawEvent } from '../ingest/types';
import type { AnalyzeOptions, ProbeResolution } from '../api';
import { blankDecoded, Decoder } from '../decode/decoder';
import { ProbeCatalog } from '../decode/probeCatalog';
import { discoverProbeFiles, readDefinitionFile } from '../decode/probeDiscovery';
import { classifyStack } from '../decode/origin';
import { EventStore, extraOf } from './store';
import { AddressSpaces } from './addressSpaces';
import { SpanTable } from './spans';
import { PageTable } from './pages';
import { placeEvents } from './placement';
import { replay } from './replay';
import { HmmTraceModel } from './traceModel';
import { FieldsFromFile } from './fieldsFromFile';
import { KIND_INDEX } from './kinds';

/** Traces up to this size keep every event's raw fields in memory; larger ones re-read them on demand. */
const KEEP_FIELDS_BYTES = 16 * 1024 * 1024;

const INVALIDATION_KINDS = new Set(['invalidate-start', 'driver-invalidate', 'invalidate-secondary']);

export interface BuiltModel {
  ingest: IngestSummary;
  model: HmmTraceModel;
  probes: ProbeResolution;
}

/** The probe catalog for a trace: given definitions first, then files found next to the trace. */
export function probeCatalogFor(path: string, opts: AnalyzeOptions): ProbeCatalog {
  const catalog = new ProbeCatalog();
  (opts.probeDefinitions ?? []).forEach((text, i) => catalog.addText(text, `definitions #${i + 1}`));
  if (opts.discoverProbes !== false && catalog.size === 0) {
    for (const f of discoverProbeFiles(path)) {
      try {
        catalog.addText(readDefinitionFile(f), f);
      } catch {
        // an unreadable neighbour file is not an error of the trace
      }
    }
  }
  return catalog;
}

/** Model builder that can also be fed events directly (tests, the trace.dat reader, benchmarks). */
export class ModelBuilder {
  readonly store: EventStore;
  readonly decoder: Decoder;
  private readonly returning = new Set<number>();
  private readonly scratch = blankDecoded();

  constructor(
    readonly catalog: ProbeCatalog,
    opts: { fieldAliases?: Record<string, string[]>; keepFields: boolean },
  ) {
    this.store = new EventStore(opts.keepFields);
    this.decoder = new Decoder(catalog, opts.fieldAliases);
  }

  add(ev: RawEvent): number {
    // one decoded-event object for the whole build: append() and extraOf() copy what they keep
    const d = this.decoder.decodeInto(ev, this.scratch);
    const origin = INVALIDATION_KINDS.has(d.kind) ? classifyStack(ev.stack) : undefined;
    const id = this.store.append(ev, d, extraOf(ev, d, origin));
    if (d.ret && !d.leaf && d.func) this.returning.add(this.store.func.get(id));
    return id;
  }

  finish(fieldsSource?: FieldsFromFile): HmmTraceModel {
    const store = this.store;
    // returns identified by definition only: their entries open spans even before the first return is seen
    for (const f of this.catalog.functionsWithReturn()) {
      const sid = store.strings.find(f);
      if (sid) this.returning.add(sid);
    }
    const spaces = AddressSpaces.build(store, KIND_INDEX.get('copy-page-range')!, KIND_INDEX.get('process-exit')!);
    const spans = SpanTable.build(store, this.returning);
    const pages = new PageTable();
    placeEvents(store, spaces, pages);
    pages.finish();
    const result = replay(store, spaces, pages, spans);
    pages.compact();
    compactRecords(result);
    const model = new HmmTraceModel(store, spans, pages, result, { ...this.decoder.unresolved }, fieldsSource);
    model.bindAddressSpaces((pid) => spaces.of(pid));
    return model;
  }

  resolution(): ProbeResolution {
    const sources = [...this.catalog.sources];
    if (this.decoder.resolvedCounts['well-known'] > 0) sources.push('well-known probe names');
    return { sources, unresolved: { ...this.decoder.unresolved } };
  }
}

/** Record lists stop growing after the replay: exact-length copies drop the spare capacity of growing arrays. */
function compactRecords(result: ReturnType<typeof replay>): void {
  for (const m of result.migrations) {
    m.eventIds = m.eventIds.slice();
    m.invalidationIds = m.invalidationIds.slice();
  }
  for (const r of result.invalidations) {
    r.callbacks = r.callbacks.slice();
    r.originEvidence = r.originEvidence.slice();
  }
}

export async function buildModel(path: string, opts: AnalyzeOptions = {}): Promise<BuiltModel> {
  const catalog = probeCatalogFor(path, opts);
  const size = statSync(path).size;
  const builder = new ModelBuilder(catalog, { fieldAliases: opts.fieldAliases, keepFields: size <= KEEP_FIELDS_BYTES });
  const ingest = await readTrace(path, (ev) => builder.add(ev), { ...opts, fields: true });
  const fieldsSource = builder.store.keepFields || ingest.format === 'trace-dat' ? undefined : new FieldsFromFile(path);
  const model = builder.finish(fieldsSource);
  return { ingest, model, probes: builder.resolution() };
}
