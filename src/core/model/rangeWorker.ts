/**
 * Entry of the worker thread that reads the second part of a large ftrace text file for the parallel model
 * build (see parallel.ts); bundled as dist/range-worker.js.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { type PartMessage, type PartRequest, servePart } from './parallel';

const port = parentPort;
if (port) {
  servePart(workerData as PartRequest, (m, transfer) => port.postMessage(m, transfer ?? [])).catch((e: unknown) => {
    const m: PartMessage = { type: 'error', message: e instanceof Error ? e.message : String(e) };
    port.postMessage(m);
  });
}
