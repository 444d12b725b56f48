/**
 * trace_printk() records (ftrace bprint/bputs: the format lives in printk_formats, the arguments in binary),
 * a kernel stack with no event before it on its CPU, and an event whose print fmt uses a helper we do not
 * evaluate (shown as `field=value` pairs, as libtraceevent does, never dropped).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceDat } from '../../../src/core/ingest/tracedat/index';
import type { RawEvent } from '../../../src/core/ingest/types';
import { buildDat, buildPage } from './datWriter';
import { addr, format, kallsyms, rec, VARIANTS } from './handbuilt';
import { asReportLine, liveReport, traceCmdAvailable } from './reportOracle';

const dir = mkdtempSync(join(tmpdir(), 'hmm-tracedat-printk-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const FMT_ADDR = 0xffffffff81e00000n;
const STR_ADDR = 0xffffffff81e00100n;

function build(): string {
  const v = VARIANTS[0]!; // v6, little-endian, 64-bit
  const L = 8;
  const ftraceFormats = [
    format('bprint', 6, [['unsigned long ip', 8, 8, 0], ['const char * fmt', 16, 8, 0], ['u32 buf[]', 24, 0, 0]], '"%ps: %s", (void *)REC->ip, REC->fmt'),
    format('bputs', 7, [['unsigned long ip', 8, 8, 0], ['const char * str', 16, 8, 0]], '"%ps: %s", (void *)REC->ip, REC->str'),
    format('kernel_stack', 4, [['int size', 8, 4, 1], ['unsigned long caller[8]', 16, 64, 0]], '"\\t=> %ps\\n", (void *)REC->caller[0]'),
  ];
  const systems = [
    {
      name: 'odd',
      formats: [format('jiffy', 900, [['unsigned long j', 8, 8, 0], ['int n', 16, 4, 1]], '"ms=%u n=%d", jiffies_to_msecs(REC->j), REC->n')],
    },
  ];
  const items = [
    { delta: 0, payload: rec(v, 4, 42, (w) => w.u32(2).u32(0).u64(addr(L, 'migrate_vma_setup', 0x10)).u64(addr(L, 'tracing_mark_write', 8))) },
    {
      delta: 10,
      payload: rec(v, 6, 42, (w) => w.u64(addr(L, 'dmirror_interval_invalidate', 0x30)).u64(FMT_ADDR)
        .raw(Buffer.concat([Buffer.from('dev0\0'), Buffer.alloc(3)])).u32(8).u64(0x7f0000002000n)),
    },
    { delta: 10, payload: rec(v, 7, 42, (w) => w.u64(addr(L, 'dmirror_interval_invalidate', 0x40)).u64(STR_ADDR)) },
    { delta: 10, payload: rec(v, 900, 42, (w) => w.u64(250).u32(-3 >>> 0)) },
  ];
  const file = join(dir, 'printk.dat');
  writeFileSync(file, buildDat({
    version: 6, little: true, longSize: L, pageSize: 4096, ftraceFormats, systems,
    kallsyms: kallsyms(L),
    printk: `0x${FMT_ADDR.toString(16)} : "dmirror %s: %d pages at 0x%lx\\n"\n0x${STR_ADDR.toString(16)} : "dmirror fault done\\n"\n`,
    cmdlines: '42 hmmtest\n', clock: 'local',
    cpus: [buildPage(true, L, 4096, 5_000_000_000n, items)],
  }));
  return file;
}

test('trace_printk records render their binary arguments through the printk_formats string', async () => {
  const file = build();
  const events: RawEvent[] = [];
  const s = await readTraceDat(file, (e) => events.push(e));
  assert.deepEqual(s.warnings, []);
  const [stack, bprint, bputs, odd] = events as [RawEvent, RawEvent, RawEvent, RawEvent];
  // an orphan kernel stack stays an event of its own
  assert.equal(stack.name, 'kernel_stack');
  assert.equal(stack.body, '<stack trace>');
  assert.deepEqual(stack.stack, ['migrate_vma_setup+0x10/0x270', 'tracing_mark_write+0x8/0x100']);
  // trace_printk from a kernel function is named after the function, as ftrace text prints `func: msg`
  assert.equal(bprint.kind, 'tracepoint');
  assert.equal(bprint.name, 'dmirror_interval_invalidate');
  assert.equal(bprint.body, 'dmirror dev0: 8 pages at 0x7f0000002000');
  assert.equal(bputs.name, 'dmirror_interval_invalidate');
  assert.equal(bputs.body, 'dmirror fault done');
  // jiffies_to_msecs() is a kernel helper libtraceevent cannot run either: fields are listed raw
  assert.equal(odd.name, 'jiffy');
  assert.equal(odd.body, 'j=0xfa n=-3');
  assert.deepEqual(odd.fields, { j: '0xfa', n: '-3' });
});

test('trace-cmd prints the same trace_printk text (skipped without trace-cmd)', { skip: !traceCmdAvailable() }, async () => {
  const file = build();
  const events: RawEvent[] = [];
  await readTraceDat(file, (e) => events.push(e));
  const theirs = liveReport(file).filter((l) => l.name === 'bprint' || l.name === 'bputs');
  assert.equal(theirs.length, 2);
  const ours = events.filter((e) => e.name === 'dmirror_interval_invalidate').map(asReportLine);
  assert.deepEqual(ours.map((l) => `${l.name}: ${l.body}`), theirs.map((l) => l.body));
});
