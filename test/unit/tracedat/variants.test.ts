/**
 * The container variants: every hand-built file (v6, v7 none, v7 zlib; both endiannesses; 32- and 64-bit
 * kernel long) must read to the same events, and trace-cmd (when installed) must print the same thing for
 * the events it renders through their print fmt.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceDat } from '../../../src/core/ingest/tracedat/index';
import type { RawEvent } from '../../../src/core/ingest/types';
import { BASE, VARIANTS, addr, buildVariant, type Variant } from './handbuilt';
import { asReportLine, liveReport, traceCmdAvailable } from './reportOracle';

const dir = mkdtempSync(join(tmpdir(), 'hmm-tracedat-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function write(v: Variant): string {
  const file = join(dir, `${v.label.replace(/\W+/g, '-')}.dat`);
  writeFileSync(file, buildVariant(v));
  return file;
}

async function read(file: string): Promise<{ events: RawEvent[]; summary: Awaited<ReturnType<typeof readTraceDat>> }> {
  const events: RawEvent[] = [];
  const summary = await readTraceDat(file, (e) => events.push(e));
  return { events, summary };
}

const hex = (v: bigint): string => v.toString(16);

for (const v of VARIANTS) {
  test(`${v.label}: records decode to the expected events`, async () => {
    const L = v.longSize;
    const { events, summary } = await read(write(v));
    assert.match(summary.formatDetail, new RegExp(`v${v.version} .*${v.little ? 'little' : 'big'}-endian, ${L * 8}-bit long`));
    assert.deepEqual(events.map((e) => [e.line, e.lineCount, e.cpu, e.name, e.kind]), [
      [1, 2, 0, 'mn_start', 'kprobe'],
      [3, 1, 1, 'function', 'function'],
      [4, 1, 1, 'funcgraph_entry', 'funcgraph-entry'],
      [5, 2, 1, 'funcgraph_entry', 'funcgraph-entry'],
      [7, 1, 0, 'mn_start_ret', 'kretprobe'],
      [8, 1, 1, 'funcgraph_exit', 'funcgraph-exit'],
      [9, 1, 0, 'tracing_mark_write', 'marker'],
      [10, 1, 0, 'strs', 'tracepoint'],
      [12, 1, 1, 'strs', 'tracepoint'],
    ]);
    const b = Number(BASE);
    // padding deltas count (as in libtraceevent's kbuffer) and a time extend adds 5000
    assert.deepEqual(events.map((e) => e.ts - b), [100, 120, 150, 155, 161, 165, 5169, 5172, 6000]);
    const [kp, fn, fgOuter, fgLeaf, kret, fgExit, mark, strs, idle] = events as RawEvent[] as [
      RawEvent, RawEvent, RawEvent, RawEvent, RawEvent, RawEvent, RawEvent, RawEvent, RawEvent,
    ];
    assert.equal(kp.comm, 'hmmtest');
    assert.equal(kp.pid, 42);
    assert.equal(kp.flags, 'd..1.');
    assert.deepEqual(kp.probe, { symbol: '__mmu_notifier_invalidate_range_start', offset: 0, size: 0x190, address: hex(addr(L, 'mn_start')) });
    assert.equal(kp.body, `(${hex(addr(L, 'mn_start'))}) start=0x7f0000001000 event=6`);
    assert.deepEqual(kp.fields, { start: '0x7f0000001000', event: '6' });
    assert.deepEqual(kp.stack, ['dmirror_interval_invalidate+0x10/0x200 [test_hmm]', 'migrate_vma_setup+0x20/0x270']);
    assert.equal(fn.comm, 'worker one');
    assert.equal(fn.probe?.symbol, 'migrate_vma_setup');
    assert.deepEqual(fn.parent, { symbol: '__mmu_notifier_invalidate_range_start', offset: 5, size: 0x190, address: hex(addr(L, 'mn_start', 5)) });
    assert.deepEqual(fgOuter.graph, { func: 'migrate_vma_setup', depth: 0, leaf: false });
    // an entry whose exit is the very next record joins it as one leaf call, as trace-cmd prints `func();`
    assert.deepEqual(fgLeaf.graph, { func: 'dmirror_interval_invalidate', depth: 1, leaf: true, durationNs: 1500 });
    assert.equal(fgLeaf.probe?.module, 'test_hmm');
    assert.deepEqual(fgExit.graph, { func: 'migrate_vma_setup', depth: 0, leaf: false, durationNs: 4000 });
    assert.equal(kret.probe?.symbol, 'migrate_vma_setup');
    assert.equal(kret.probe?.offset, 0x44);
    assert.equal(kret.retFrom?.symbol, '__mmu_notifier_invalidate_range_start');
    assert.equal(kret.body, `(${hex(addr(L, 'mn_start'))} <- ${hex(addr(L, 'migrate_vma_setup', 0x44))}) ret=-11`);
    assert.deepEqual(kret.fields, { ret: '-11' });
    assert.equal(mark.body, 'hello marker');
    assert.equal(strs.body, 'name=devmem mode=ONE fl=A|B neg=-5');
    assert.deepEqual(strs.fields, { name: 'devmem', mode: 'ONE', fl: 'A|B', neg: '-5' });
    assert.equal(idle.comm, '<idle>');
    assert.equal(idle.body, 'name=idl mode=0x7 fl= neg=0');
    // a record whose event id has no format is counted and shown, never dropped silently
    assert.equal(summary.lines, 12);
    assert.equal(summary.parsedLines, 11);
    assert.equal(summary.unparsedLines, 1);
    assert.match(summary.unparsedSamples[0]?.reason ?? '', /event id 999 has no format/);
    assert.match(summary.unparsedSamples[0]?.text ?? '', /^record at byte offset \d+, 12 bytes: [0-9a-f]{24}$/);
    assert.deepEqual(summary.lost, [{ cpu: 1, count: 7, line: 3 }, { cpu: 1, count: undefined, line: 12 }]);
    assert.equal(summary.lostEvents, 7);
    assert.equal(summary.outOfOrder, 0);
    assert.equal(summary.declaredCpus, 2);
  });
}

test('trace-cmd reads the hand-built files the same way (skipped without trace-cmd)', { skip: !traceCmdAvailable() }, async () => {
  for (const v of VARIANTS) {
    if (v.compression === 'zlib') continue; // Debian's trace-cmd is built with zstd only
    const file = write(v);
    const { events } = await read(file);
    const ours = events.filter((e) => ['mn_start', 'mn_start_ret', 'strs', 'tracing_mark_write'].includes(e.name)).map(asReportLine);
    const theirs = liveReport(file).filter((l) => ['mn_start', 'mn_start_ret', 'strs', 'print'].includes(l.name));
    assert.equal(ours.length, 5, v.label);
    assert.deepEqual(ours, theirs, v.label);
  }
});

test('trace instances (v7 BUFFER options with a name) are merged into the one timeline, as trace-cmd report does', async () => {
  for (const v of VARIANTS.filter((x) => x.version === 7)) {
    const file = join(dir, `instance-${v.label.replace(/\W+/g, '-')}.dat`);
    writeFileSync(file, buildVariant(v, 4096, true));
    const { events, summary } = await read(file);
    assert.match(summary.formatDetail, /instances gpu/);
    assert.equal(events.length, 10, v.label);
    const i = events.findIndex((e) => e.kind === 'marker' && e.body === 'from the gpu instance');
    assert.equal(i, 2, v.label);
    assert.equal(events[i]!.ts - Number(BASE), 130);
    assert.equal(events[i]!.cpu, 0);
    events.forEach((e, k) => k > 0 && assert.ok(e.ts >= events[k - 1]!.ts));
  }
});

test('stats mode consumes stacks and joined function_graph exits like the full mode: same events, same lines', async () => {
  const file = write(VARIANTS[1]!);
  const full = (await read(file)).events;
  const lean: RawEvent[] = [];
  const s = await readTraceDat(file, (e) => lean.push(e), { fields: false });
  assert.equal(s.lines, 12);
  assert.deepEqual(lean.map((e) => [e.line, e.lineCount, e.name]), full.map((e) => [e.line, e.lineCount, e.name]));
});

test('progress is reported up to the whole data size, and an aborted read stops early and says so', async () => {
  const file = write(VARIANTS[0]!);
  const seen: [number, number][] = [];
  await readTraceDat(file, () => undefined, { onProgress: (d, t) => seen.push([d, t]) });
  assert.ok(seen.length >= 1);
  const [done, total] = seen[seen.length - 1]!;
  assert.equal(done, total);
  const ac = new AbortController();
  let n = 0;
  const s = await readTraceDat(file, () => {
    if (++n === 3) ac.abort();
  }, { signal: ac.signal });
  assert.equal(s.cancelled, true);
  assert.equal(s.events, 3);
});
