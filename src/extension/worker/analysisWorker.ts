/**
 * The analysis worker thread (bundled to dist/worker.js): runs ingest + model + detect off the extension
 * host's event loop and answers queries against the analysis it holds (see host.ts, messages.ts).
 */

import { parentPort } from 'node:worker_threads';
import { AnalysisHost } from './host';
import { analysisCore } from './coreBinding';
import type { WorkerRequest, WorkerResponse } from './messages';

const port = parentPort;
if (port) {
  const host = new AnalysisHost(analysisCore, (m: WorkerResponse) => port.postMessage(m));
  port.on('message', (msg: WorkerRequest) => host.handle(msg));
}
