/** Shared test helpers: locating the repository, fixtures and the built CLI from a bundled test file. */

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest directory above this bundle holding package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

export function fixture(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', ...parts);
}

export function cliPath(): string {
  return join(repoRoot(), 'dist', 'cli.js');
}

/** xorshift32 in [0, 1): the same "random" inputs on every run of a test or benchmark. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
