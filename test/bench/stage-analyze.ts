/** The whole analyze pipeline headless: buildModel plus every detector (what `hmm-trace analyze` costs). */

import { analyzeFile } from '../../src/core/analyze';
import type { BenchStage } from './stages';

export const analyzeStage: BenchStage = {
  name: 'analyze',
  description: 'analyzeFile (model + all 13 detectors; findings printed on stderr)',
  async run(file) {
    const a = await analyzeFile(file, { discoverProbes: false });
    const by = new Map<string, number>();
    for (const f of a.findings) by.set(f.rule, (by.get(f.rule) ?? 0) + 1);
    process.stderr.write(`analyze: detect ${a.timings.detectMs.toFixed(0)} ms of ${(a.timings.ingestAndModelMs + a.timings.detectMs).toFixed(0)} ms; ${a.findings.length} findings ${JSON.stringify(Object.fromEntries(by))}\n`);
    return a.model.eventCount;
  },
};
