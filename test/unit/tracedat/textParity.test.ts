/**
 * The same capture read from its trace.dat and from its `trace-cmd report` text (read by the text reader)
 * gives the same raw events: decode, model and detect see one thing whichever file the user opened.
 * Differences by design: the text has microseconds (we have ns), the text names markers `print`, and only the
 * binary knows symbols for raw addresses and the latency flags.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrace } from '../../../src/core/ingest/index';
import { readTraceDat } from '../../../src/core/ingest/tracedat/index';
import type { RawEvent } from '../../../src/core/ingest/types';
import { fixture } from '../helpers';

const CASES = [
  ['k6.1', 'double_migrate-tracecmd'],
  ['k6.1', 'exclusive-tracecmd'],
  ['k6.1', 'fork-tracecmd'],
  ['k6.1', 'pinned-tracecmd'],
  ['k6.12', 'migrate_fault-tracecmd-k6.12'],
] as const;

function comparable(e: RawEvent, fromText: boolean): unknown {
  return {
    ts: fromText ? e.ts : Math.round(e.ts / 1000) * 1000, // trace-cmd rounds to the microsecond
    cpu: e.cpu,
    pid: e.pid,
    comm: e.comm,
    name: e.kind === 'marker' ? 'marker' : e.name,
    kind: e.kind,
    fields: e.fields,
    message: e.message,
    probe: e.probe?.address,
    retFrom: e.retFrom?.address,
  };
}

for (const [k, name] of CASES) {
  test(`${name}: the .dat and its trace-cmd report text give the same raw events`, async () => {
    const fromDat: RawEvent[] = [];
    const fromText: RawEvent[] = [];
    await readTraceDat(fixture('traces', k, `${name}.dat`), (e) => fromDat.push(e));
    const s = await readTrace(fixture('traces', k, `${name}.txt`), (e) => fromText.push(e));
    assert.equal(s.format, 'trace-cmd-report');
    assert.equal(fromDat.length, fromText.length);
    for (let i = 0; i < fromDat.length; i++) {
      assert.deepEqual(comparable(fromDat[i]!, false), comparable(fromText[i]!, true), `event ${i + 1}: ${fromText[i]!.body}`);
    }
  });
}
