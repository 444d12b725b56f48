/**
 * buildModel: stream a trace through ingest → decode → the columnar store, then rebuild address spaces,
 * call spans, page placement, and replay migrations/invalidations/page states. Memory stays bounded by the
 * packed columns and extras (about 30 bytes per event: see store.ts) plus the pages and records; raw fields are
 * kept only for small traces.
 */

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { readTrace, sniffFormat } from '../ingest';
import { findSplit } from '../ingest/split';
import type { IngestSummary, RawEvent } from '../ingest/types';
import type { AnalyzeOptions, ProbeResolution } from '../api';
import { blankDecoded, Decoder, type Resolution } from '../decode/decoder';
import { ProbeCatalog } from '../decode/probeCatalog';
import { discoverProbeFiles, readDefinitionFile } from '../decode/probeDiscovery';
import { classifyStack } from '../decode/origin';
import { EventStore, type StorePart } from './store';
import { AddressSpaces } from './addressSpaces';
import { SpanScan, type SpanTable } from './spans';
import { PageTable } from './pages';
import { placeEvents } from './placement';
import { replay } from './replay';
import { HmmTraceModel } from './traceModel';
import { FieldsFromFile } from './fieldsFromFile';
import { KIND_INDEX } from './kinds';
import { buildInTwoParts, rangeWorkerScript, runPartWorker } from './parallel';

/** Traces up to this size keep every event's raw fields in memory; larger ones re-read them on demand. */
const KEEP_FIELDS_BYTES = 16 * 1024 * 1024;

/** What a builder of one part of a file hands over (ModelBuilder.exportPart / joinPart). */
export interface BuilderPart {
  store: StorePart;
  unresolved: Record<string, number>;
  resolvedCounts: Record<Resolution, number>;
  /** Functions whose returns were seen (their entries open call spans). */
  returning: string[];
}

export interface BuiltModel {
  ingest: IngestSummary;
  model: HmmTraceModel;
  probes: ProbeResolution;
}

/** The probe definition texts for a trace: given definitions first, then files found next to the trace. */
export function probeTextsFor(path: string, opts: AnalyzeOptions): ProbeText[] {
  const texts: ProbeText[] = (opts.probeDefinitions ?? []).map((text, i) => ({ text, source: `definitions #${i + 1}` }));
  if (opts.discoverProbes !== false && catalogOf(texts).size === 0) {
    for (const f of discoverProbeFiles(path)) {
      try {
        texts.push({ text: readDefinitionFile(f), source: f });
      } catch {
        // an unreadable neighbour file is not an error of the trace
      }
    }
  }
  return texts;
}

export interface ProbeText {
  text: string;
  source: string;
}

export function catalogOf(texts: readonly ProbeText[]): ProbeCatalog {
  const catalog = new ProbeCatalog();
  for (const t of texts) catalog.addText(t.text, t.source);
  return catalog;
}

/** The probe catalog for a trace: given definitions first, then files found next to the trace. */
export function probeCatalogFor(path: string, opts: AnalyzeOptions): ProbeCatalog {
  return catalogOf(probeTextsFor(path, opts));
}

/**
 * Address spaces, then call spans, each in a pass of its own that reads an event's task and type ids once
 * (and a task's pid and tgid once per run of its events). One fused pass saved ~17 ms CPU at 256 MiB but
 * raised the 1 GiB build's peak RSS (378-385 MiB against 368-376 for two passes), and the peak must not grow.
 */
function spacesAndSpans(store: EventStore, returning: Set<number>): { spaces: AddressSpaces; spans: SpanTable } {
  const spaces = new AddressSpaces(store, KIND_INDEX.get('copy-page-range')!, KIND_INDEX.get('process-exit')!);
  let lastTask = -1;
  let pid = 0;
  let tgid = 0;
  for (let id = 0; id < store.count; id++) {
    const task = store.taskAt(id);
    if (task !== lastTask) {
      lastTask = task;
      pid = store.pidOfTask(task);
      tgid = store.tgidOfTask(task);
    }
    spaces.scan(id, store.kindOfType(store.typeAt(id)), pid, tgid);
  }
  const spanScan = new SpanScan(store, returning);
  lastTask = -1;
  for (let id = 0; id < store.count; id++) {
    const task = store.taskAt(id);
    if (task !== lastTask) {
      lastTask = task;
      pid = store.pidOfTask(task);
    }
    spanScan.event(id, pid, store.flagOfType(store.typeAt(id)));
  }
  return { spaces, spans: spanScan.finish() };
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
    // the store keeps pteRaw and decodes a PTE when asked (pteOf): no DecodedPte per migration entry here
    this.decoder = new Decoder(catalog, opts.fieldAliases, { pte: false });
  }

  add(ev: RawEvent): number {
    // one decoded-event object for the whole build: append() copies what it keeps; the stack
    // origin only for invalidations (compared, not looked up in a Set: ~1.5 M events at 256 MiB)
    const d = this.decoder.decodeInto(ev, this.scratch);
    const k = d.kind;
    const origin = k === 'invalidate-start' || k === 'driver-invalidate' || k === 'invalidate-secondary' ? classifyStack(ev.stack) : undefined;
    const id = this.store.append(ev, d, origin);
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
    const { spaces, spans } = spacesAndSpans(store, this.returning);
    const pages = new PageTable();
    placeEvents(store, spaces, pages);
    pages.finish();
    const result = replay(store, spaces, pages, spans);
    pages.compact();
    const model = new HmmTraceModel(store, spans, pages, result, { ...this.decoder.unresolved }, fieldsSource);
    model.bindAddressSpaces((pid) => spaces.of(pid));
    return model;
  }

  /** This builder's events and decoding counts, for the builder of the part of the file before it. */
  exportPart(): BuilderPart {
    const returning: string[] = [];
    for (const f of this.returning) {
      const name = this.store.strings.get(f);
      if (name !== undefined) returning.push(name);
    }
    return { store: this.store.exportPart(), unresolved: { ...this.decoder.unresolved }, resolvedCounts: { ...this.decoder.resolvedCounts }, returning };
  }

  /** Appends the next part of the file, read by another builder (line numbers move by `lineOffset`). */
  joinPart(p: BuilderPart, lineOffset: number): void {
    this.store.importPart(p.store, lineOffset);
    for (const f of p.returning) this.returning.add(this.store.strings.id(f));
    for (const [name, n] of Object.entries(p.unresolved)) this.decoder.unresolved[name] = (this.decoder.unresolved[name] ?? 0) + n;
    for (const [by, n] of Object.entries(p.resolvedCounts) as [Resolution, number][]) this.decoder.resolvedCounts[by] += n;
  }

  resolution(): ProbeResolution {
    const sources = [...this.catalog.sources];
    if (this.decoder.resolvedCounts['well-known'] > 0) sources.push('well-known probe names');
    return { sources, unresolved: { ...this.decoder.unresolved } };
  }
}

export async function buildModel(path: string, opts: AnalyzeOptions = {}): Promise<BuiltModel> {
  const probes = probeTextsFor(path, opts);
  const size = statSync(path).size;
  const plan = await parallelPlan(path, size, opts);
  const builder = new ModelBuilder(catalogOf(probes), { fieldAliases: opts.fieldAliases, keepFields: !plan && size <= KEEP_FIELDS_BYTES });
  const ingest = plan
    ? await buildInTwoParts(path, size, plan.cut, builder, opts, (req, progress) => runPartWorker(plan.script, req, opts.signal, progress), probes)
    : await readTrace(path, (ev) => builder.add(ev), { ...opts, fields: true, transient: true }); // add() keeps no event
  const fieldsSource = builder.store.keepFields || ingest.format === 'trace-dat' ? undefined : new FieldsFromFile(path, ingest.format);
  const model = builder.finish(fieldsSource);
  return { ingest, model, probes: builder.resolution() };
}

/** Files from this size are built on two threads when they are ftrace text (see parallel.ts). */
const PARALLEL_BYTES = 64 * 1024 * 1024;

/** Whether and where to cut the file for a two-thread build; undefined for a single pass. */
async function parallelPlan(path: string, size: number, opts: AnalyzeOptions): Promise<{ cut: number; script: string } | undefined> {
  if (opts.parallel === false || opts.range !== undefined) return undefined;
  if (size < (opts.parallel?.minBytes ?? PARALLEL_BYTES) || availableParallelism() < 2) return undefined;
  const script = rangeWorkerScript();
  if (!script || (await sniffFormat(path)).format !== 'ftrace') return undefined;
  const cut = await findSplit(path, opts.parallel?.cutAt ?? Math.floor(size / 2));
  return cut !== undefined && cut > 0 && cut < size ? { cut, script } : undefined;
}
