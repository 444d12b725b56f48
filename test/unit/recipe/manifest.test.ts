import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    walkthroughs?: { id: string; steps: { id: string; title: string; description: string; media: { markdown?: string }; completionEvents?: string[] }[] }[];
  };
}

const manifest = (): Manifest => JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as Manifest;

test('"HMM Trace: Create Capture Recipe…" is contributed once', () => {
  const cmds = manifest().contributes.commands.filter((c) => c.command === 'hmmTrace.createRecipe');
  assert.equal(cmds.length, 1);
  assert.equal(cmds[0].title, 'Create Capture Recipe…');
  assert.equal(cmds[0].category, 'HMM Trace');
});

test('the walkthrough covers capture, open, findings, annotate; its media exist and its links are real commands', () => {
  const m = manifest();
  const w = m.contributes.walkthroughs?.find((x) => x.id === 'hmmTrace.gettingStarted');
  assert.ok(w);
  assert.deepEqual(w.steps.map((s) => s.id), ['capture', 'open', 'findings', 'annotate']);
  const commands = new Set(m.contributes.commands.map((c) => c.command));
  for (const s of w.steps) {
    assert.ok(s.media.markdown && existsSync(join(repoRoot(), s.media.markdown)), `${s.id}: ${s.media.markdown}`);
    for (const link of s.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(link[1]), `${s.id} links ${link[1]}`);
    for (const e of s.completionEvents ?? []) assert.ok(commands.has(e.replace(/^onCommand:/, '')), `${s.id} completes on ${e}`);
  }
});
