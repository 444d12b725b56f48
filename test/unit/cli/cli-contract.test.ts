import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliPath } from '../helpers';

const run = (...args: string[]) => spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8' });

test('--version prints the package version and exits 0', () => {
  const r = run('--version');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('--help lists every command and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  for (const c of ['stats', 'pages', 'timeline', 'analyze', 'recipe']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});

test('an unknown command exits 2 with one line on stderr', () => {
  const r = run('frobnicate');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});
