/**
 * The whole model build: streaming ingest with fields, decode, columnar store, spans, pages, records.
 * Compare with the `ingest` stage (its floor); stage-model-memory.ts splits streaming from finish and shows
 * where the retained memory is (run by hand, see its header).
 */

import { buildModel } from '../../src/core/model';
import type { BenchStage } from './stages';

export const modelStage: BenchStage = {
  name: 'model',
  description: 'buildModel (ingest + decode + store on two threads for large ftrace text, then spans + pages + records)',
  async run(file) {
    const { model } = await buildModel(file, { discoverProbes: false });
    return model.eventCount;
  },
};
