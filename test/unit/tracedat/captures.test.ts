/**
 * Every real trace-cmd capture (kernels 6.1 and 6.12, v7 + zstd, trace-cmd 3.1.6) read natively must give
 * the events `trace-cmd report -t` prints for it: same count and order, timestamps to the ns, CPUs, pids,
 * comms, names, bodies, and fields that are exactly what the body prints for them.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTraceDat } from '../../../src/core/ingest/tracedat/index';
import type { RawEvent } from '../../../src/core/ingest/types';
import { fixture } from '../helpers';
import { asReportLine, checkedInReport, liveReport, traceCmdAvailable, type ReportLine } from './reportOracle';

function captures(): string[] {
  const out: string[] = [];
  for (const k of ['k6.1', 'k6.12']) {
    for (const f of readdirSync(fixture('traces', k))) if (f.endsWith('.dat')) out.push(fixture('traces', k, f));
  }
  return out.sort();
}

export async function readAll(file: string): Promise<{ events: RawEvent[]; summary: Awaited<ReturnType<typeof readTraceDat>> }> {
  const events: RawEvent[] = [];
  const summary = await readTraceDat(file, (e) => events.push(e));
  return { events, summary };
}

/** Asserts events equal the oracle line by line, and that every field we report is printed in the body. */
export function assertMatchesReport(events: RawEvent[], expected: ReportLine[], label: string): void {
  assert.equal(events.length, expected.length, `${label}: event count`);
  for (let i = 0; i < events.length; i++) {
    const got = asReportLine(events[i]!);
    const want = expected[i]!;
    assert.deepEqual(got, want, `${label}: event ${i + 1}`);
    if (events[i]!.kind === 'syscall-exit') {
      // a syscall exit prints only its return value
      assert.deepEqual(events[i]!.fields, { ret: want.body }, `${label}: event ${i + 1}`);
      continue;
    }
    // keys and the first word of each value are printed in the body (the text readers' splitter, shared
    // with this reader, decides how multi-word values are joined; textParity.test.ts compares whole values)
    for (const [k, v] of Object.entries(events[i]!.fields)) {
      const first = v.split(' ')[0]!;
      const printed = [`${k}=${first}`, `${k}: ${first}`, `${k}:${first}`].some((p) => want.body.includes(p));
      assert.ok(printed, `${label}: event ${i + 1} field ${k}=${v} is not what the body prints: ${want.body}`);
    }
  }
}

test('there are real trace.dat captures for both kernels', () => {
  const all = captures();
  assert.ok(all.length >= 9, `found ${all.length}`);
  assert.ok(all.some((f) => f.includes('k6.12')));
});

for (const file of captures()) {
  const name = basename(file, '.dat');
  test(`${name}: events equal the checked-in trace-cmd report -t output`, async () => {
    const { events, summary } = await readAll(file);
    const expected = checkedInReport(fixture('tracedat', `${name}.report-t.txt.gz`));
    assertMatchesReport(events, expected, name);
    assert.equal(summary.format, 'trace-dat');
    assert.equal(summary.events, events.length);
    assert.equal(summary.lines, summary.parsedLines + summary.unparsedLines);
    assert.equal(summary.unparsedLines, 0);
    assert.deepEqual(summary.warnings, []);
    assert.equal(summary.declaredCpus, 2);
    assert.match(summary.formatDetail, /v7 .*zstd.*clock mono/);
  });
}

test('a real v6 file (the munmap capture converted by trace-cmd) reads to the same events as its v7 original', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-tracedat-v6-'));
  try {
    const file = join(dir, 'munmap-v6.dat');
    writeFileSync(file, gunzipSync(readFileSync(fixture('tracedat', 'munmap-tracecmd-v6.dat.gz'))));
    const { events, summary } = await readAll(file);
    assert.match(summary.formatDetail, /^trace\.dat v6 \(uncompressed, little-endian, 64-bit long/);
    assertMatchesReport(events, checkedInReport(fixture('tracedat', 'munmap-tracecmd.report-t.txt.gz')), 'munmap v6');
    const v7 = await readAll(fixture('traces', 'k6.1', 'munmap-tracecmd.dat'));
    assert.deepEqual(
      events.map((e) => ({ ...e, offset: 0 })),
      v7.events.map((e) => ({ ...e, offset: 0 })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live trace-cmd report agrees on the first capture (skipped without trace-cmd)', { skip: !traceCmdAvailable() }, async () => {
  const file = captures()[0]!;
  const { events } = await readAll(file);
  assertMatchesReport(events, liveReport(file), basename(file));
});

test('kprobes carry the probed symbol and raw address; kretprobes the return site and the returning function', async () => {
  const { events } = await readAll(fixture('traces', 'k6.1', 'double_migrate-tracecmd.dat'));
  const mnStart = events.find((e) => e.name === 'mn_start')!;
  assert.equal(mnStart.kind, 'kprobe');
  assert.equal(mnStart.probe?.symbol, '__mmu_notifier_invalidate_range_start');
  assert.equal(mnStart.probe?.offset, 0);
  assert.ok((mnStart.probe?.size ?? 0) > 0);
  assert.match(mnStart.probe?.address ?? '', /^ffffffff[0-9a-f]{8}$/);
  assert.match(mnStart.body, /^\([0-9a-f]{16}\) start=0x/);
  assert.match(mnStart.fields['start'] ?? '', /^0x[0-9a-f]+$/);
  assert.match(mnStart.fields['event'] ?? '', /^\d+$/);
  const ret = events.find((e) => e.name === 'mn_start_ret')!;
  assert.equal(ret.kind, 'kretprobe');
  assert.equal(ret.retFrom?.symbol, '__mmu_notifier_invalidate_range_start');
  assert.ok(ret.probe?.symbol && ret.probe.symbol !== ret.retFrom?.symbol, 'return site is the caller');
  assert.ok((ret.probe?.offset ?? 0) > 0);
  // module symbols keep their module, like `dmirror_interval_invalidate [test_hmm]` in text
  const inval = events.find((e) => e.name === 'dmirror_inval')!;
  assert.equal(inval.probe?.module, 'test_hmm');
  assert.match(inval.probe?.symbol ?? '', /^dmirror_interval_invalidate/);
});

test('trace_marker writes are marker events named tracing_mark_write with the text as body', async () => {
  const { events } = await readAll(fixture('traces', 'k6.1', 'double_migrate-tracecmd.dat'));
  const markers = events.filter((e) => e.kind === 'marker');
  assert.equal(markers.length, 25);
  assert.equal(markers[0]!.name, 'tracing_mark_write');
  assert.equal(markers[0]!.body, 'hmmtrace[double_migrate] scenario double_migrate start');
  assert.equal(markers[0]!.comm, 'hmmtrace');
});

test('records carry comm from saved cmdlines, latency flags, 1-based ordinals and file offsets', async () => {
  const file = fixture('traces', 'k6.1', 'fork-tracecmd.dat');
  const { events, summary } = await readAll(file);
  events.forEach((e, i) => assert.equal(e.line, i + 1));
  for (const e of events) {
    assert.match(e.flags ?? '', /^[.dX][.nNp][.hHsSzZ][.0-9a-f][.0-9a-f]$/);
    assert.ok(e.offset > 0 && e.offset < summary.bytes);
  }
  assert.ok(events.some((e) => e.name === 'sched_process_fork'));
  assert.ok(new Set(events.map((e) => e.pid)).size > 1);
});

test('stats mode (fields: false) gives the same events without bodies', async () => {
  const file = fixture('traces', 'k6.1', 'munmap-tracecmd.dat');
  const full = (await readAll(file)).events;
  const lean: RawEvent[] = [];
  const s = await readTraceDat(file, (e) => lean.push(e), { fields: false });
  assert.equal(s.events, full.length);
  assert.deepEqual(lean.map((e) => [e.ts, e.cpu, e.pid, e.comm, e.name]), full.map((e) => [e.ts, e.cpu, e.pid, e.comm, e.name]));
});
