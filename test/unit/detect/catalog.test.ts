import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleCatalog, validateThresholds } from '../../../src/core/detect/rules';
import { repoRoot } from '../helpers';

test('every rule id has the stable family/name form and every issue-5 rule exists', () => {
  const ids = ruleCatalog().map((r) => r.id);
  for (const id of ids) assert.match(id, /^(refcount|invalidation|trace)\/[a-z0-9-]+$/);
  for (const id of [
    'refcount/pages-not-collected',
    'refcount/move-mapping-eagain',
    'refcount/fault-livelock',
    'refcount/migration-entry-wait',
    'refcount/long-migration-window',
    'refcount/exclusive-conversion-failed',
    'invalidation/split-clear',
    'invalidation/self-during-migration',
    'invalidation/no-op-migration',
    'invalidation/duplicate',
    'invalidation/permission-upgrade',
    'invalidation/unfiltered-own',
    'invalidation/exclusive-ping-pong',
  ])
    assert.ok(ids.includes(id as never), id);
  assert.equal(new Set(ids).size, ids.length);
});

test('docs/rules.md has an anchored section per rule id, listing its thresholds (diagnostics link there)', () => {
  const doc = readFileSync(join(repoRoot(), 'docs', 'rules.md'), 'utf8');
  for (const r of ruleCatalog()) {
    assert.ok(doc.includes(`<a id="${r.id}"></a>`), `anchor for ${r.id}`);
    assert.ok(doc.includes(`## ${r.id}\n`), `heading for ${r.id}`);
    for (const t of r.thresholds) assert.ok(doc.includes(`\`${r.id}.${t.name}\` | ${t.default} |`), `${r.id}.${t.name} documented with its default`);
  }
});

test('thresholds: defaults are finite, units known, and unknown names are rejected with the valid ones', () => {
  for (const r of ruleCatalog()) {
    for (const t of r.thresholds) {
      assert.ok(Number.isFinite(t.default) && t.default >= 0, `${r.id}.${t.name}`);
      assert.ok(['count', 'ms', 'us', 'pages'].includes(t.unit));
      assert.ok(t.description.length > 10);
    }
  }
  assert.deepEqual(validateThresholds({ 'refcount/long-migration-window.windowMs': 5 }), []);
  assert.match(validateThresholds({ 'refcount/long-migration-window.window': 5 })[0], /has no threshold 'window' \(has: windowMs\)/);
  assert.match(validateThresholds({ 'refcount/nope.x': 1 })[0], /unknown rule/);
});
