/** `hmm-trace stats`: the ingest hot path (readTrace with fields off) plus the counting stats does. */

import { traceStats } from '../../src/core/ingest/stats';
import type { BenchStage } from './stages';

export const statsStage: BenchStage = {
  name: 'stats',
  description: 'hmm-trace stats (streaming ingest, fields off)',
  async run(file) {
    return (await traceStats(file)).stats.events;
  },
};
