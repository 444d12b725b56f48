/** Folding of stack traces and function_graph call blocks on real captures. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { foldingRegions } from '../../../src/extension/pure/folding';
import { fixture } from '../helpers';

function lines(...p: string[]): string[] {
  return readFileSync(fixture('traces', ...p), 'utf8').split('\n');
}

test('each <stack trace> entry folds over its => frames', () => {
  const text = lines('k6.1', 'migrate_fault-ftracestack.txt');
  const regions = foldingRegions((i) => text[i], text.length).filter((r) => r.kind === 'stack');
  const headers = text.filter((l) => l.includes('<stack trace>')).length;
  assert.ok(headers > 10);
  assert.equal(regions.length, headers);
  for (const r of regions) {
    assert.match(text[r.start], /<stack trace>/);
    for (let i = r.start + 1; i <= r.end; i++) assert.match(text[i], /^\s*=> /);
    assert.doesNotMatch(text[r.end + 1] ?? '', /^\s*=> /);
  }
  // the first stack (line 101, 0-based 100) holds the migrate_vma_setup frames
  assert.equal(regions[0].start, 100);
});

test('function_graph blocks fold from `func() {` to its `}` on the same CPU', () => {
  const text = lines('k6.1', 'migrate_fault-funcgraph.txt');
  const regions = foldingRegions((i) => text[i], text.length).filter((r) => r.kind === 'call');
  assert.ok(regions.length > 100, `${regions.length} blocks`);
  const setup = regions.find((r) => /migrate_vma_setup\(\) \{/.test(text[r.start]));
  assert.ok(setup, 'migrate_vma_setup block');
  assert.match(text[setup.end], /\|\s+\}/);
  // indentation of the closing brace equals the opening line's
  const indent = (l: string) => /\|\s*(\S)/.exec(l.slice(l.lastIndexOf('|', l.search(/\S+\(\)|\}/))))?.index;
  assert.equal(indent(text[setup.start]), indent(text[setup.end]));
  for (const r of regions) assert.ok(r.end > r.start);
});

test('perf callchains fold under their sample line; plain events do not fold', () => {
  const text = [
    '            perf 12886 [000] 89565.879875: probe:do_sys_open: (ffffffffa807b290)',
    '\tffffffffb7ad6b30 __schedule+0x8e0 ([kernel.kallsyms])',
    '\tffffffffb7ad6c00 schedule+0x40 ([kernel.kallsyms])',
    '            perf 12886 [000] 89565.879876: probe:do_sys_open: (ffffffffa807b290)',
  ];
  assert.deepEqual(foldingRegions((i) => text[i], text.length), [{ start: 0, end: 2, kind: 'stack' }]);
  const plain = lines('k6.1', 'migrate_fault-ftrace.txt');
  assert.deepEqual(foldingRegions((i) => plain[i], plain.length), []);
});
