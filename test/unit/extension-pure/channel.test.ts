/** The extension side of the worker protocol: the worker channel and the in-process channel agree, and a dead worker fails requests instead of hanging them. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InProcessChannel, WorkerChannel, CancelledError, type Channel, workerFailure } from '../../../src/extension/analysis/channel';
import { analysisCore } from '../../../src/extension/worker/coreBinding';
import type { AnalyzeResult } from '../../../src/extension/worker/messages';
import type { EditorData } from '../../../src/extension/worker/editorData';
import { fixture, repoRoot } from '../helpers';

async function run(channel: Channel): Promise<{ summary: AnalyzeResult['summary']; data: EditorData; progress: number }> {
  let progress = 0;
  const r = await channel.request<AnalyzeResult>({ type: 'analyze', file: fixture('traces', 'k6.1', 'double_migrate-perf.txt'), options: { chunkSize: 8192 } }, () => progress++).result;
  const data = await channel.request<EditorData>({ type: 'editorData', key: r.key }).result;
  return { summary: r.summary, data, progress };
}

test('worker and in-process channels give the same summary and editor data', async () => {
  const worker = new WorkerChannel(join(repoRoot(), 'dist', 'worker.js'));
  const inproc = new InProcessChannel(analysisCore);
  try {
    const a = await run(worker);
    const b = await run(inproc);
    assert.deepEqual(a.summary, b.summary);
    assert.deepEqual(a.data.findings, b.data.findings);
    assert.deepEqual(a.data.migrations, b.data.migrations);
    assert.ok(a.progress > 0 && b.progress > 0);
  } finally {
    worker.dispose();
    inproc.dispose();
  }
});

test('cancel through the channel rejects with CancelledError', async () => {
  const worker = new WorkerChannel(join(repoRoot(), 'dist', 'worker.js'));
  try {
    const req = worker.request({ type: 'analyze', file: fixture('traces', 'k6.1', 'pinned-ftracestack.txt'), options: { chunkSize: 1024 } });
    worker.cancel(req.id);
    await assert.rejects(req.result, CancelledError);
  } finally {
    worker.dispose();
  }
});

test('a worker that dies fails the requests in flight with a message, and the next request starts a new worker', async () => {
  const worker = new WorkerChannel(join(repoRoot(), 'dist', 'worker.js'));
  try {
    const req = worker.request({ type: 'analyze', file: fixture('traces', 'k6.1', 'pinned-ftracestack.txt'), options: { chunkSize: 1024 } });
    const generation = worker.generation;
    // simulate a crash of the thread (out of memory, native fault): terminate it under the channel
    await (worker as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(req.result, /analysis worker exited/);
    const again = await worker.request<AnalyzeResult>({ type: 'analyze', file: fixture('traces', 'k6.1', 'munmap-ftrace.txt'), options: {} }).result;
    assert.ok(again.summary.events > 0);
    assert.equal(worker.generation, generation + 1);
  } finally {
    worker.dispose();
  }
});

test('a worker that runs out of memory is reported as such, with what to do, not as a bare failure', async () => {
  // a real worker with a tiny heap that keeps allocating: the error the channel sees is the one a 1 GiB+ trace gives
  const { Worker } = await import('node:worker_threads');
  const w = new Worker('const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random()));', {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  const e = await new Promise<Error & { code?: string }>((resolve) => w.on('error', resolve));
  const text = workerFailure(e);
  assert.match(text, /ran out of memory/);
  assert.match(text, /160 bytes per event/);
  assert.equal(workerFailure(new Error('boom')), 'HMM Trace: the analysis worker failed: boom');
});
