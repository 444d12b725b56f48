import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliPath } from '../helpers';
import { parseProbeDefinitions } from '../../../src/core/recipe';

const run = (...args: string[]) => spawnSync(process.execPath, [cliPath(), 'recipe', ...args], { encoding: 'utf8' });

test('recipe prints a bash script for the kernel, driver and tool asked for', () => {
  const r = run('--kernel', '6.12', '--driver', 'nouveau', '--tool', 'trace-cmd');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^#!\/usr\/bin\/env bash\n# hmm-trace capture recipe: kernel 6.12 \(x86_64\), driver nouveau, tool trace-cmd\n/);
  assert.match(r.stdout, /^probe nv_mni 1 \\$/m);
  assert.match(r.stdout, /^trace-cmd "\$\{args\[@\]\}" "\$@"$/m);
});

test('--probes-only prints definitions only, and --include adds the probes of a rule', () => {
  const plain = run('--kernel', '6.1.0-28-amd64', '--driver', 'dmirror', '--probes-only');
  const more = run('--kernel', '6.1.0-28-amd64', '--driver', 'dmirror', '--probes-only', '--include', 'refcount/migration-entry-wait,lru_add_drain_all');
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(more.status, 0, more.stderr);
  const a = parseProbeDefinitions(plain.stdout).accepted.map((d) => d.event);
  const b = parseProbeDefinitions(more.stdout).accepted.map((d) => d.event);
  assert.deepEqual(b.filter((n) => !a.includes(n)).sort(), ['lru_add_drain_all', 'migration_entry_wait_on_locked']);
});

test('bad arguments exit 2 with one line on stderr and nothing on stdout', () => {
  for (const args of [
    [],
    ['--kernel', '6.12'],
    ['--driver', 'nouveau'],
    ['--kernel', '6.12', '--driver', 'i915'],
    ['--kernel', 'six', '--driver', 'nouveau'],
    ['--kernel', '5.4', '--driver', 'nouveau'],
    ['--kernel', '6.12', '--driver', 'nouveau', '--tool', 'bpftrace'],
    ['--kernel', '6.12', '--driver', 'nouveau', '--include', 'refcount/nope'],
    ['--kernel', '6.12', '--driver', 'nouveau', '--frobnicate'],
    ['--kernel', '6.12', '--driver', 'nouveau', 'extra.txt'],
  ]) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^hmm-trace recipe: /);
  }
});
