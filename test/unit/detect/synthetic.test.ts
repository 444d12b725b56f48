/**
 * Detector cases the real captures lack, on SYNTHESIZED traces built from the reference's verified formats
 * (test/fixtures/synthetic/generate.py says how each was made): they go through the real readers, decoder and
 * model, so they also prove the rules work end to end on those formats.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/analyze';
import { fixture } from '../helpers';

const run = (name: string) => analyzeFile(fixture('synthetic', name), {});

test('a second MADV_DONTNEED of an already-empty range is a duplicate CLEAR (nothing changed since the first zap)', async () => {
  const a = await run('duplicate-madvise.trace');
  const dup = a.findings.filter((f) => f.rule === 'invalidation/duplicate');
  assert.equal(dup.length, 1);
  // the first zap's tlb_flush belongs to the first madvise; the second finds no PTE and flushes nothing
  assert.match(dup[0].message, /CLEAR \[0x7f3a5c200000, 0x7f3a5c210000\) \(16 pages\) repeated 1 time/);
  assert.equal(dup[0].severity, 'warning', 'dmirror handled it: a mirror paid for it');
});

test('device-exclusive ping-pong: GPU atomics and CPU writes take turns on one page', async () => {
  const a = await run('exclusive-ping-pong.trace');
  const pp = a.findings.filter((f) => f.rule === 'invalidation/exclusive-ping-pong');
  assert.equal(pp.length, 1);
  assert.match(pp[0].message, /0x7f3a5c201000: 4 device-exclusive → CPU-restored round trips/);
  // do_swap_page here restores device-exclusive entries: it is not a migrate_to_ram retry loop
  assert.equal(a.findings.some((f) => f.rule === 'refcount/fault-livelock'), false);
  // every make_device_exclusive_range converted its page
  assert.equal(a.findings.some((f) => f.rule === 'refcount/exclusive-conversion-failed'), false);
});

test('a long migration window and the CPU thread that waited on its migration entry', async () => {
  const a = await run('long-migration-window.trace');
  const w = a.findings.find((f) => f.rule === 'refcount/long-migration-window');
  assert.ok(w);
  assert.match(w.message, /held 80\.2 ms/);
  const wait = a.findings.find((f) => f.rule === 'refcount/migration-entry-wait');
  assert.ok(wait);
  assert.equal(wait.severity, 'warning', 'an 80 ms wait is above the 10 ms default');
  assert.match(wait.message, /cpu-reader-2311 waited .* while gpu-app-2304 held/);
  const relaxed = await analyzeFile(fixture('synthetic', 'long-migration-window.trace'), { thresholds: { 'refcount/long-migration-window.windowMs': 100 } });
  assert.equal(relaxed.findings.some((f) => f.rule === 'refcount/long-migration-window'), false);
});

test('migrate_to_ram livelock: 10 attempts by two threads, each collecting nothing', async () => {
  const a = await run('fault-livelock.trace');
  const ll = a.findings.find((f) => f.rule === 'refcount/fault-livelock');
  assert.ok(ll);
  assert.equal(ll.severity, 'error');
  assert.match(ll.message, /10 CPU faults into migrate_to_ram by 2 task\(s\)/);
  // the MIGRATE notification storm of §4.8 signature 5, reported once with its count
  const storm = a.findings.filter((f) => f.rule === 'invalidation/no-op-migration');
  assert.equal(storm.length, 1);
  assert.equal(storm[0].severity, 'warning');
  // the page was device-private (its to-device migration is in the trace), so each empty collection is a
  // dropped page, grouped as one retry burst
  const nc = a.findings.filter((f) => f.rule === 'refcount/pages-not-collected');
  assert.equal(nc.length, 1);
  assert.match(nc[0].message, /again in 9 later attempt/);
});

test('nouveau driver log: a GPU fault loop on one address with a 2 MiB invalidation before every retry', async () => {
  const a = await run('nouveau-gpu-fault-loop.log');
  assert.equal(a.format, 'dmesg');
  const ll = a.findings.find((f) => f.rule === 'refcount/fault-livelock');
  assert.ok(ll);
  // "fault ..." and "addr ..." lines of one attempt count once: 9 attempts
  assert.match(ll.message, /0x7f3a5c201000: 9 device faults/);
  assert.equal(ll.severity, 'error');
  const dup = a.findings.find((f) => f.rule === 'invalidation/duplicate');
  assert.ok(dup);
  assert.match(dup.message, /invalidation \(event not captured\) \[0x7f3a5c200000, 0x7f3a5c400000\) \(512 pages\) repeated 8 time/);
});
