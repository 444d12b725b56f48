import type { Command } from './command';

// Placeholder until the owning issue lands its implementation (see issues 3, 4, 5, 9).
export const recipe: Command = {
  name: 'recipe',
  usage: 'recipe FILE [--json]',
  summary: 'not available yet',
  async run() {
    process.stderr.write('hmm-trace recipe: not available in this build\n');
    return 2;
  },
};
