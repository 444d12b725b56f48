/**
 * summarize() feeds every report and the views' header. It counts address spaces from the pid column and
 * looks for make_device_exclusive spans through spanOf(), so that neither costs spaces × records nor keeps
 * every call span of a long capture alive: the answers must be the ones the full model queries give.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile, summarize } from '../../../src/core/analyze';
import { fixture } from '../helpers';

const CAPTURES = [
  ['k6.1', 'exclusive-ftrace.txt'],
  ['k6.1', 'fork-ftracestack.txt'],
  ['k6.1', 'pinned-perf.txt'],
  ['k6.1', 'mprotect-tracecmd.txt'],
  ['k6.1', 'exclusive-funcgraph.txt'],
  ['k6.12', 'migrate_fault-ftrace-k6.12.txt'],
];

for (const [dir, name] of CAPTURES) {
  test(`${name}: the summary counts the address spaces model.addressSpaces() lists, and proves no 6.15 API`, async () => {
    const a = await analyzeFile(fixture('traces', dir, name), { discoverProbes: false });
    const s = summarize(a);
    assert.equal(s.addressSpaces, a.model.addressSpaces().length);
    assert.ok(s.addressSpaces > 0);
    // 6.1 and 6.12 have make_device_exclusive_range (or nothing), never the 6.15 single-address call
    assert.equal(a.model.spans.some((sp) => sp.func === 'make_device_exclusive'), false);
    assert.deepEqual(s.kernelHints, []);
  });
}

test('a captured make_device_exclusive call (6.15+ API) is named as a kernel hint', async () => {
  // the 6.1 exclusive capture with its make_device_exclusive_range probes renamed to the 6.15 function:
  // entry `(make_device_exclusive+0x0/..)` and return `<- make_device_exclusive)` pair into call spans
  const text = readFileSync(fixture('traces', 'k6.1', 'exclusive-ftrace.txt'), 'utf8').replace(/make_device_exclusive_range/g, 'make_device_exclusive');
  const dir = mkdtempSync(join(tmpdir(), 'hmm-summary-'));
  try {
    const path = join(dir, 'exclusive-615.trace');
    writeFileSync(path, text);
    const a = await analyzeFile(path, { discoverProbes: false });
    assert.ok(a.model.spans.some((sp) => sp.func === 'make_device_exclusive'), 'the renamed calls are spans');
    assert.deepEqual(summarize(a).kernelHints, ['6.15+ device-exclusive API (make_device_exclusive, CLEAR on restore)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
