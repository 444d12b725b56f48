/**
 * Every event a reader delivers has the same own properties in the same order (the optional ones undefined
 * until set, never added or deleted later), so the decoder and the store see one hidden class. Checked on
 * every fixture (tracefs text, trace-cmd reports, function_graph, perf script, dmesg), including events that
 * took a stack, a probe site, a marker message or a graph call.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAll, readText, fixtureTraces } from './helpers';

const keysOf = (ev: object): string => Object.keys(ev).join(',');

test('every event of a read has the same own properties, in the same order', async () => {
  let checked = 0;
  const formats = new Set<string>();
  for (const file of fixtureTraces()) {
    const { events, summary } = await readAll(file);
    if (events.length === 0) continue;
    formats.add(summary.format);
    const want = keysOf(events[0]);
    for (const ev of events) assert.equal(keysOf(ev), want, `${file}:${ev.line} (${ev.kind} ${ev.name})`);
    checked += events.length;
  }
  assert.ok(checked > 10000, `only ${checked} events checked`);
  assert.ok(formats.size >= 3, [...formats].join(', '));
});

test('optional attributes are undefined when absent and absent from JSON', async () => {
  const { events } = await readText(
    [
      '  app-12  [001] d..1.  10.000001: mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) start=0x1000',
      '  app-12  [001] .....  10.000002: tracing_mark_write: phase=1',
      '  app-12  [001] .....  10.000003: <stack trace>',
      ' => migrate_vma_setup',
      '  app-12  [001] .....  10.000004: sched_switch: prev_comm=app prev_pid=12',
      '',
    ].join('\n'),
  );
  assert.deepEqual(events.map((e) => [e.flags, e.probe?.symbol, e.message, e.stack, e.retFrom, e.driver]), [
    ['d..1.', '__mmu_notifier_invalidate_range_start', undefined, undefined, undefined, undefined],
    ['.....', undefined, 'phase=1', ['migrate_vma_setup'], undefined, undefined],
    ['.....', undefined, undefined, undefined, undefined, undefined],
  ]);
  const json = JSON.parse(JSON.stringify(events[2])) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['line', 'offset', 'lineCount', 'ts', 'cpu', 'pid', 'comm', 'name', 'kind', 'body', 'flags', 'system', 'fields']);
});
