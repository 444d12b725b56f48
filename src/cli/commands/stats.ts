import type { Command } from './command';

// Placeholder until the owning issue lands its implementation (see issues 3, 4, 5, 9).
export const stats: Command = {
  name: 'stats',
  usage: 'stats FILE [--json]',
  summary: 'not available yet',
  async run() {
    process.stderr.write('hmm-trace stats: not available in this build\n');
    return 2;
  },
};
