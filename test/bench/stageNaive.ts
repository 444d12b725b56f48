/** The naive baseline the issue asks for: Node readline and one regex per line. */

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BenchStage } from './stages';

const LINE = /^\s*(.+?)-(\d+)\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:([.a-zA-Z0-9]{4,5})\s+)?(\d+(?:\.\d+)?):\s(\S+?):?\s(.*)$/;

export const naiveBaseline: BenchStage = {
  name: 'naive',
  description: 'readline + one regex per line (baseline)',
  async run(file) {
    let events = 0;
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) if (LINE.test(line)) events++;
    return events;
  },
};
