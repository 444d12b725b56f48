/** Problems-panel plan, after-line annotations and their visible-range filter. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexLines, lineAnnotations, planDiagnostics, visibleAnnotations } from '../../../src/extension/pure/findingsPlan';
import { ruleDocUri } from '../../../src/extension/pure/ruleDocs';
import { editorData, finding, invalidation, migration } from './fakeEditorData';

test('diagnostics: most severe first, then by line; capped; expected findings left out and counted', () => {
  const fs = [
    finding('invalidation/duplicate', 'warning', [200, 210]),
    finding('refcount/fault-livelock', 'error', [300, 301, 302]),
    finding('invalidation/self-during-migration', 'info', [100]),
    finding('invalidation/split-clear', 'warning', [150, 150, 160]),
  ];
  const plan = planDiagnostics(fs, new Set([fs[0].key]), 2);
  assert.deepEqual(plan.diagnostics.map((d) => d.finding.rule), ['refcount/fault-livelock', 'invalidation/split-clear']);
  assert.equal(plan.omitted, 1);
  assert.equal(plan.suppressed, 1);
  assert.deepEqual(plan.diagnostics[0].related, [301, 302]);
  assert.deepEqual(plan.diagnostics[1].related, [160], 'the diagnostic line itself is not repeated as related');
  assert.equal(planDiagnostics(fs, new Set(), 0).diagnostics.length, 0);
});

test('annotation text names the notifier event, size, origin and the verdict of the rule', () => {
  const data = editorData({
    invalidations: [invalidation(500, 1, { event: 'CLEAR', start: 0x7f0000000000, end: 0x7f0000200000, origin: 'split_huge_pmd', owner: '0x0', ownerIsDriver: false })],
    migrations: [migration(120)],
    findings: [
      finding('invalidation/split-clear', 'warning', [500]),
      finding('refcount/pages-not-collected', 'warning', [120], { title: '3 of 16 pages not collected' }),
      finding('invalidation/duplicate', 'info', [500]),
      finding('trace/lost-events', 'info', [7], { title: 'events lost on CPU 1' }),
    ],
  });
  const anns = lineAnnotations(data, indexLines(data), new Set());
  assert.deepEqual(
    anns.map((a) => [a.line, a.severity, a.text]),
    [
      [7, 'info', '⟵ events lost on CPU 1 (lost-events)'],
      [120, 'warning', '⟵ migration of 16 pages to device: 3 of 16 pages not collected (pages-not-collected)'],
      [500, 'warning', '⟵ CLEAR 2 MiB from __split_huge_pmd: spurious (split-clear) +1 more'],
    ],
  );
  const inExclusive = editorData({
    invalidations: [invalidation(170, 1, { event: 'CLEAR', start: 0x7f20d9c00000, end: 0x7f20d9e00000, origin: 'make_device_exclusive' })],
    findings: [finding('invalidation/split-clear', 'warning', [170])],
  });
  assert.equal(lineAnnotations(inExclusive, indexLines(inExclusive), new Set())[0].text, '⟵ CLEAR 2 MiB from __split_huge_pmd in make_device_exclusive: spurious (split-clear)');
  const suppressed = lineAnnotations(data, indexLines(data), new Set([data.findings[0].key, data.findings[2].key]));
  assert.ok(!suppressed.some((a) => a.line === 500));
});

test('only annotations inside the visible ranges are produced (binary search, several ranges)', () => {
  const many = Array.from({ length: 100000 }, (_, i) => ({ line: i * 10 + 1, severity: 'info' as const, text: '', findings: [] }));
  const vis = visibleAnnotations(many, [{ start: 500, end: 540 }, { start: 999_900, end: 2_000_000 }]);
  assert.deepEqual(vis.map((a) => a.line), [501, 511, 521, 531, 999_901, 999_911, 999_921, 999_931, 999_941, 999_951, 999_961, 999_971, 999_981, 999_991]);
});

test('the rule documentation link points at the rule heading in docs/rules.md', () => {
  assert.equal(ruleDocUri('refcount/pages-not-collected'), 'https://github.com/hmm-trace/hmm-trace/blob/main/docs/rules.md#refcount/pages-not-collected');
});
