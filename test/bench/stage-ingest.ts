/**
 * Ingest as the model build runs it (fields and bodies on), with an empty sink: the floor under the
 * `model` stage, so the table shows how much of the model build is ingest and how much decode + model.
 */

import { readTrace } from '../../src/core/ingest';
import type { BenchStage } from './stages';

export const ingestStage: BenchStage = {
  name: 'ingest',
  description: 'readTrace with fields (what buildModel reads), empty sink',
  async run(file) {
    let n = 0;
    await readTrace(file, () => {
      n++;
    }, { fields: true });
    return n;
  },
};
