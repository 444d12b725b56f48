/**
 * The analysis worker thread: runs ingest + model + detect off the extension host's event loop and
 * answers queries (see AnalysisQueries in src/core/api.ts). Filled in by the editor integration.
 */

import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (msg: unknown) => {
  parentPort?.postMessage({ error: `analysis worker: unsupported message ${JSON.stringify(msg)}` });
});
