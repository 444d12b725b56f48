import type { Command } from './command';

// Placeholder until the owning issue lands its implementation (see issues 3, 4, 5, 9).
export const timeline: Command = {
  name: 'timeline',
  usage: 'timeline FILE [--json]',
  summary: 'not available yet',
  async run() {
    process.stderr.write('hmm-trace timeline: not available in this build\n');
    return 2;
  },
};
