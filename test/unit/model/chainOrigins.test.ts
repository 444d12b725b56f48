import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelBuilder } from '../../../src/core/model/build';
import { ProbeCatalog } from '../../../src/core/decode/probeCatalog';
import type { RawEvent } from '../../../src/core/ingest/types';
import { SpanTable } from '../../../src/core/model/spans';
import { ChainOrigins } from '../../../src/core/model/chainOrigins';
import { classifyOrigin } from '../../../src/core/decode/origin';

let line = 0;
function ev(pid: number, p: Partial<RawEvent>): RawEvent {
  line++;
  return { line, offset: line * 100, lineCount: 1, ts: line * 1000, cpu: 0, pid, comm: 't', name: 'x', kind: 'kprobe', body: '', fields: {}, ...p };
}

// names that decide an origin by themselves (zap ones also by their outer frames: exit_mmap, do_madvise, a
// munmap), and ones that decide nothing
const DECISIVE = ['unmap_vmas', 'zap_page_range_single', 'do_vmi_munmap', 'my_munmap_helper', 'exit_mmap', 'do_madvise', 'migrate_vma_setup', 'migrate_vma_pages', 'do_swap_page', 'change_protection', 'dup_mmap'];
const OTHER = ['madvise_dontneed', 'handle_mm_fault', 'dmirror_fault', 'ioctl_helper', 'worker'];
const NAMES = [...DECISIVE, ...OTHER];

test('origins from span chains equal classifyOrigin over the whole chain, with and without a first name, deep chains included', () => {
  let seed = 5;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const b = new ModelBuilder(new ProbeCatalog(), { keepFields: true });
  const stacks = new Map<number, string[]>();
  const unwind = (pid: number) => {
    const stack = stacks.get(pid) ?? [];
    while (stack.length > 0) b.add(ev(pid, { kind: 'kretprobe', probe: { symbol: 'caller', offset: 0x10 }, retFrom: { symbol: stack.pop()! }, fields: { ret: '0' } }));
  };
  // enough spans that more than 4096 parents are kept (the answers are let go and found again)
  for (let i = 0; i < 24000; i++) {
    // deep runs of one task now and then (past 60 levels the chain is cut at 64 names), then unwound
    const deep = i % 2000 < 150;
    if (i % 2000 === 150) unwind(4);
    const pid = deep ? 4 : 1 + rand(3);
    const stack = stacks.get(pid) ?? [];
    stacks.set(pid, stack);
    if (stack.length > 0 && !deep && rand(5) < 3) {
      const sym = stack.pop()!;
      b.add(ev(pid, { kind: 'kretprobe', probe: { symbol: 'caller', offset: 0x10 }, retFrom: { symbol: sym }, fields: { ret: '0' } }));
    } else {
      const sym = rand(8) === 0 ? DECISIVE[rand(DECISIVE.length)] : OTHER[rand(OTHER.length)];
      stack.push(sym);
      b.add(ev(pid, { kind: 'kprobe', probe: { symbol: sym, offset: 0 } }));
    }
  }
  for (const pid of stacks.keys()) unwind(pid);
  const store = b.store;
  const returning = new Set(NAMES.map((n) => store.strings.find(n)).filter((id) => id > 0));
  const spans = SpanTable.build(store, returning);
  const chains = new ChainOrigins(store, spans);
  let deepest = 0;
  let decided = 0;
  for (let s = 0; s < spans.count; s++) {
    deepest = Math.max(deepest, spans.depth.get(s));
    const want = classifyOrigin(spans.chain(store, s));
    assert.deepEqual(chains.of(s), want, `span ${s}`);
    if (want) decided++;
    for (const first of ['do_madvise', 'unmap_vmas', 'try_to_migrate_one', 'plain']) {
      assert.deepEqual(chains.of(s, first), classifyOrigin([first, ...spans.chain(store, s)]), `span ${s} under ${first}`);
    }
  }
  assert.ok(deepest > 64, 'some chains are cut');
  assert.ok(decided > 100 && decided < spans.count - 100, `some chains decide, some do not (${decided} of ${spans.count})`);
});
