import type { Command } from './command';

// Placeholder until the owning issue lands its implementation (see issues 3, 4, 5, 9).
export const analyze: Command = {
  name: 'analyze',
  usage: 'analyze FILE [--json]',
  summary: 'not available yet',
  async run() {
    process.stderr.write('hmm-trace analyze: not available in this build\n');
    return 2;
  },
};
