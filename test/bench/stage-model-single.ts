/**
 * The whole model build in one pass on one thread (what files under 64 MiB and non-ftrace formats get):
 * compare with the `model` stage, which builds large ftrace text on two threads.
 */

import { buildModel } from '../../src/core/model';
import type { BenchStage } from './stages';

export const modelSingleStage: BenchStage = {
  name: 'model1',
  description: 'buildModel on one thread (parallel: false)',
  async run(file) {
    const { model } = await buildModel(file, { discoverProbes: false, parallel: false });
    return model.eventCount;
  },
};
