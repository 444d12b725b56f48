import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { buildModel } from '../../../src/core/model';
import { catalogOf, ModelBuilder, probeTextsFor } from '../../../src/core/model/build';
import { buildInTwoParts, type PartResult, readPart, rangeWorkerScript } from '../../../src/core/model/parallel';
import { findSplit, safeCut } from '../../../src/core/ingest/split';
import { FieldsFromFile } from '../../../src/core/model/fieldsFromFile';
import type { HmmTraceModel } from '../../../src/core/model/traceModel';
import type { IngestSummary } from '../../../src/core/ingest/types';
import { fixture } from '../helpers';

/**
 * The two-thread build must give exactly what one pass gives: every event (kind, line, time, task, fields,
 * range, return), every page's timeline, every record, span and marker, and the ingest summary (line counts,
 * first/last time, out-of-order count, warnings). Compared on every real ftrace text capture, cut at many
 * places, including captures with `<stack trace>` blocks, the only lines that tie one line to an earlier one.
 */
function digest(model: HmmTraceModel, ingest: IngestSummary): Record<string, string> {
  const h = (v: unknown) => createHash('sha1').update(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))).digest('hex');
  const events = [];
  for (let id = 0; id < model.eventCount; id++) events.push(model.event(id));
  const timelines = model.pages().map((p) => model.timeline(p.as, p.vpn));
  return {
    events: h(events),
    pages: h(model.pages()),
    timelines: h(timelines),
    migrations: h(model.migrations),
    invalidations: h(model.invalidations),
    spans: h(model.spans),
    markers: h(model.markers.slice()),
    addressSpaces: h(model.addressSpaces()),
    ingest: h({ ...ingest }),
  };
}

/** The second part built in this thread, through the same export/transfer shape the worker uses. */
async function localSecond(req: Parameters<Parameters<typeof buildInTwoParts>[5]>[0]): Promise<PartResult> {
  const builder = new ModelBuilder(catalogOf(req.probes), { fieldAliases: req.fieldAliases, keepFields: false });
  const part = await readPart(req.path, { start: req.start, end: req.end }, builder, {});
  return structuredClone({ builder: builder.exportPart(), accounting: part.acc.part(), traits: part.parser.traits(), lines: part.res });
}

async function twoParts(file: string, cut: number): Promise<{ model: HmmTraceModel; ingest: IngestSummary }> {
  const probes = probeTextsFor(file, { discoverProbes: false });
  const builder = new ModelBuilder(catalogOf(probes), { keepFields: false });
  const ingest = await buildInTwoParts(file, statSync(file).size, cut, builder, {}, localSecond, probes);
  return { model: builder.finish(new FieldsFromFile(file, 'ftrace')), ingest };
}

/** One pass, fields re-read from the file like the two-part build (which never keeps them in memory). */
async function onePass(file: string): Promise<{ model: HmmTraceModel; ingest: IngestSummary }> {
  const probes = probeTextsFor(file, { discoverProbes: false });
  const builder = new ModelBuilder(catalogOf(probes), { keepFields: false });
  const { readTrace } = await import('../../../src/core/ingest');
  const ingest = await readTrace(file, (ev) => builder.add(ev), { fields: true });
  return { model: builder.finish(new FieldsFromFile(file, 'ftrace')), ingest };
}

const captures: string[] = [];
for (const k of ['k6.1', 'k6.12']) {
  for (const f of readdirSync(fixture('traces', k))) if (/-ftrace(stack)?(-k[\d.]+)?\.txt$/.test(f)) captures.push(fixture('traces', k, f));
}

for (const file of captures) {
  const name = file.split('/').slice(-2).join('/');
  test(`${name}: built in two parts at any safe cut, the model equals the one-pass model`, async () => {
    const size = statSync(file).size;
    const one = digest(...(Object.values(await onePass(file)) as [HmmTraceModel, IngestSummary]));
    const cuts = new Set<number>();
    for (let k = 1; k < 12; k++) {
      const cut = await findSplit(file, Math.floor((size * k) / 12));
      if (cut !== undefined) cuts.add(cut);
    }
    assert.ok(cuts.size >= 3, `few safe cuts in ${name}: ${cuts.size}`);
    for (const cut of cuts) {
      const two = await twoParts(file, cut);
      assert.deepEqual(digest(two.model, two.ingest), one, `cut at byte ${cut}`);
    }
  });
}

test('a cut is never placed where the next line of some CPU is a <stack trace> that may belong before the cut', () => {
  const text = [
    '            prog-100     [000] .....   10.000001: mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) start=0x1000 end=0x2000 event=1',
    '            prog-101     [001] .....   10.000002: tlb_flush: pages:1 reason:local mm shootdown (3)',
    '            prog-100     [000] .....   10.000003: <stack trace>',
    ' => try_to_migrate_one',
    '            prog-101     [001] .....   10.000004: tlb_flush: pages:1 reason:local mm shootdown (3)',
    '            prog-100     [000] .....   10.000005: tlb_flush: pages:1 reason:local mm shootdown (3)',
    '',
  ].join('\n');
  const buf = Buffer.from(text);
  const lineStart = (n: number) => text.split('\n').slice(0, n).join('\n').length + 1;
  // from the middle of line 1: line 2 (CPU 1) would do, but CPU 0 then starts with a stack of line 1's event
  assert.equal(safeCut(buf, 0, true), 0);
  const cut = safeCut(buf.subarray(lineStart(1) - 1), lineStart(1) - 1, true);
  assert.equal(cut, lineStart(4), 'the first event line after which no CPU opens with a stack');
  // an unfinished window proves nothing
  assert.equal(safeCut(buf.subarray(lineStart(1) - 1, lineStart(4) + 10), lineStart(1) - 1, false), undefined);
});

test('buildModel on two threads through the bundled worker equals one pass (largest capture with stacks)', async (t) => {
  if (!rangeWorkerScript()) {
    t.skip('dist/range-worker.js is not built');
    return;
  }
  const file = fixture('traces', 'k6.1', 'pinned-ftracestack.txt');
  const par = await buildModel(file, { discoverProbes: false, parallel: { minBytes: 0 } });
  const one = await onePass(file);
  assert.deepEqual(digest(par.model, par.ingest), digest(one.model, one.ingest));
  // the part boundary is invisible: line numbers run on, as in the file
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const id of [0, Math.floor(par.model.eventCount / 2), par.model.eventCount - 1]) {
    const ev = par.model.event(id);
    assert.ok(lines[ev.line - 1].includes(`${(ev.ts / 1e9).toFixed(6)}: `), `event ${id} at line ${ev.line}`);
  }
});

test('line-level findings after the cut (unparsed lines, LOST markers) keep their file line numbers', async () => {
  const lines = readFileSync(fixture('traces', 'k6.1', 'pinned-ftrace.txt'), 'utf8').split('\n');
  const at = Math.floor(lines.length * 0.8);
  lines.splice(at, 0, 'this line is not a trace line', 'CPU:1 [LOST 42 EVENTS]');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'hmm-par-')), 'pinned-damaged.trace');
  writeFileSync(file, lines.join('\n'));
  const one = await onePass(file);
  assert.equal(one.ingest.unparsedLines, 1);
  assert.equal(one.ingest.unparsedSamples[0].line, at + 1);
  assert.equal(one.ingest.lost[0].line, at + 2);
  const cut = await findSplit(file, Math.floor(statSync(file).size / 2));
  assert.ok(cut !== undefined);
  const two = await twoParts(file, cut);
  assert.deepEqual(two.ingest, one.ingest);
  assert.deepEqual(digest(two.model, two.ingest), digest(one.model, one.ingest));
});
