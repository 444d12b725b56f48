/** Outline sections from markers, invalidation bursts, the Findings tree grouping and Next/Previous Finding. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOutline, invalidationBursts } from '../../../src/extension/pure/outline';
import { groupFindings, nextFindingLine } from '../../../src/extension/pure/findingsTree';
import { parseGoTo } from '../../../src/extension/pure/goToEvent';
import { editorData, finding, invalidation, migration } from './fakeEditorData';

test('markers become sections holding the migrations, bursts and findings up to the next marker', () => {
  const data = editorData({
    markers: [
      { id: 1, line: 73, ts: 5_083_349_000, pid: 116, text: 'hmmtrace[migrate_fault] scenario migrate_fault start' },
      { id: 2, line: 97, ts: 5_088_346_000, pid: 116, text: 'hmmtrace[migrate_fault] ioctl MIGRATE_TO_DEV begin' },
    ],
    migrations: [migration(99)],
    invalidations: [invalidation(101, 5_088_400_000), invalidation(40, 5_000_000_000, { event: 'UNMAP', origin: 'munmap' })],
    findings: [finding('invalidation/self-during-migration', 'info', [101])],
  });
  const outline = buildOutline(data, 372);
  assert.deepEqual(outline.map((n) => [n.kind, n.line, n.endLine]), [['invalidation', 40, 40], ['marker', 73, 96], ['marker', 97, 372]]);
  assert.equal(outline[0].name, 'UNMAP 64 KiB from munmap');
  assert.deepEqual(outline[2].children.map((c) => [c.kind, c.line]), [['migration', 99], ['invalidation', 101], ['finding', 101]]);
  assert.equal(outline[2].children[0].name, 'migrate_vma 16 pages → device');
  assert.equal(outline[2].name, 'hmmtrace[migrate_fault] ioctl MIGRATE_TO_DEV begin');
});

test('invalidations of one address space within 1 ms of each other form a burst; other tasks do not join', () => {
  const t0 = 5_000_000_000;
  const bursts = invalidationBursts([
    invalidation(10, t0),
    invalidation(11, t0 + 200_000, { event: 'CLEAR' }),
    invalidation(12, t0 + 900_000, { as: 999, pid: 999 }),
    invalidation(13, t0 + 1_100_000),
    invalidation(20, t0 + 5_000_000),
  ]);
  assert.deepEqual(bursts.map((b) => [b.kind, b.line, b.endLine, b.children.length]), [['burst', 10, 13, 3], ['invalidation', 12, 12, 0], ['invalidation', 20, 20, 0]]);
  assert.equal(bursts[0].name, '3 invalidations (MIGRATE, CLEAR)');
});

test('findings tree: by rule (most severe first), then page; expected ones in their own group; missing evidence kept', () => {
  const a = finding('invalidation/duplicate', 'warning', [200], { pages: ['0x7f0000001000'] });
  const b = finding('invalidation/duplicate', 'warning', [210], { pages: ['0x7f0000000000'] });
  const c = finding('refcount/fault-livelock', 'error', [300]);
  const d = finding('invalidation/split-clear', 'warning', [400], { pages: [] });
  const model = groupFindings([a, b, c, d], new Set([c.key]), [{ rule: 'refcount/move-mapping-eagain', message: 'needs a kretprobe', probes: ['r:x y'] }]);
  assert.deepEqual(model.rules.map((r) => [r.rule, r.count]), [['invalidation/duplicate', 2], ['invalidation/split-clear', 1]]);
  assert.deepEqual(model.rules[0].pages.map((p) => p.page), ['0x7f0000000000', '0x7f0000001000']);
  assert.deepEqual(model.rules[1].pages.map((p) => p.page), ['']);
  assert.deepEqual(model.expected, [c]);
  assert.equal(model.missing.length, 1);
});

test('next/previous finding wrap around and skip expected findings', () => {
  const fs = [finding('r/a', 'info', [50]), finding('r/b', 'info', [10]), finding('r/c', 'info', [30])];
  const none = new Set<string>();
  assert.equal(nextFindingLine(fs, none, 1, 1), 10);
  assert.equal(nextFindingLine(fs, none, 10, 1), 30);
  assert.equal(nextFindingLine(fs, none, 50, 1), 10);
  assert.equal(nextFindingLine(fs, none, 30, -1), 10);
  assert.equal(nextFindingLine(fs, none, 10, -1), 50);
  assert.equal(nextFindingLine(fs, new Set([fs[2].key]), 10, 1), 50);
  assert.equal(nextFindingLine([], none, 1, 1), undefined);
});

test('Go to Event accepts lines and times, and says what is wrong otherwise', () => {
  assert.deepEqual(parseGoTo('1234'), { kind: 'line', line: 1234 });
  assert.deepEqual(parseGoTo(':97'), { kind: 'line', line: 97 });
  assert.deepEqual(parseGoTo('5.088346'), { kind: 'time', ns: 5_088_346_000 });
  assert.deepEqual(parseGoTo('26.462958s'), { kind: 'time', ns: 26_462_958_000 });
  assert.deepEqual(parseGoTo('0.000000001'), { kind: 'time', ns: 1 });
  assert.equal(parseGoTo('0').kind, 'invalid');
  assert.equal(parseGoTo('abc').kind, 'invalid');
});
