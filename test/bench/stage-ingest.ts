/**
 * Ingest as the model build runs it (fields on, bodies left as bytes of the read buffer), with an empty sink: the floor under the
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
    }, { fields: true, transient: true }); // the sink keeps no event, as ModelBuilder.add keeps none
    return n;
  },
};
