/** package.json contributions of the editor integration: settings cover every rule threshold, commands are complete. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleCatalog } from '../../../src/core/detect/rules';
import { repoRoot } from '../helpers';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    keybindings: { command: string }[];
    menus: Record<string, { command: string }[]>;
    configuration: { properties: Record<string, { properties?: Record<string, { default: number; markdownDescription: string }>; markdownDescription?: string; description?: string }> };
    languages: { id: string; firstLine?: string; configuration?: string }[];
    grammars: { language: string; path: string }[];
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as Manifest;

test('hmmTrace.thresholds documents every threshold of every rule in ruleCatalog(), with its default', () => {
  const props = manifest.contributes.configuration.properties['hmmTrace.thresholds'].properties ?? {};
  const expected: string[] = [];
  for (const rule of ruleCatalog()) {
    for (const t of rule.thresholds) {
      const key = `${rule.id}.${t.name}`;
      expected.push(key);
      assert.ok(props[key], `missing setting for ${key}`);
      assert.equal(props[key].default, t.default, `${key} default`);
      assert.ok(props[key].markdownDescription.includes(t.unit), `${key} names its unit`);
    }
  }
  assert.deepEqual(Object.keys(props).sort(), expected.sort(), 'no stale threshold keys');
});

test('every setting has a description', () => {
  for (const [k, v] of Object.entries(manifest.contributes.configuration.properties)) {
    assert.ok(v.markdownDescription || v.description, `${k} lacks a description`);
  }
});

test('the issue commands are contributed under the HMM Trace category', () => {
  const byId = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
  for (const id of ['openAnalysis', 'showPageTimelineAtCursor', 'nextFinding', 'previousFinding', 'goToEvent', 'revealLine', 'exportReport', 'annotateInvalidation']) {
    const c = byId.get(`hmmTrace.${id}`);
    assert.ok(c, `hmmTrace.${id} contributed`);
    assert.equal(c.category, 'HMM Trace');
  }
  for (const k of manifest.contributes.keybindings) assert.ok(byId.has(k.command), `keybinding for unknown ${k.command}`);
  for (const list of Object.values(manifest.contributes.menus)) for (const m of list) assert.ok(byId.has(m.command) || !m.command.startsWith('hmmTrace.'), `menu entry for unknown ${m.command}`);
});

test('language, grammar, views and their files exist', () => {
  const lang = manifest.contributes.languages.find((l) => l.id === 'ftrace');
  assert.ok(lang?.firstLine);
  const first = new RegExp(lang.firstLine);
  assert.ok(first.test('# tracer: nop'));
  assert.ok(first.test('cpus=2'));
  assert.ok(first.test('        hmmtrace   469 [000]    46.879640:                          kprobes:mn_start: (ffffffff81249e60) start=0x7fab96d5c000'));
  assert.ok(!first.test('Hello world'));
  assert.ok(existsSync(join(repoRoot(), lang.configuration ?? '')));
  for (const g of manifest.contributes.grammars) assert.ok(existsSync(join(repoRoot(), g.path)));
  assert.deepEqual(manifest.contributes.views.hmmTrace.map((v) => v.id), ['hmmTrace.findings', 'hmmTrace.pages', 'hmmTrace.markers']);
  for (const c of manifest.contributes.viewsContainers.activitybar) assert.ok(existsSync(join(repoRoot(), c.icon)));
});
