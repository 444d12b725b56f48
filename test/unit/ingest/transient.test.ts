/**
 * A transient read (ReadOptions.transient, what the model build asks for) leaves event bodies as bytes of the
 * read buffer and the decoder reads fields from those bytes. Inside the sink, every event must decode and
 * serialise exactly as in an ordinary read, on every fixture (tracefs text and trace-cmd reports), with small
 * chunks so that held events are detached when their buffer is refilled.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Decoder } from '../../../src/core/decode/decoder';
import { readTrace } from '../../../src/core/ingest/index';
import { TextEvent } from '../../../src/core/ingest/textEvent';
import type { ReadOptions } from '../../../src/core/ingest/types';
import { catalogOf, probeTextsFor } from '../../../src/core/model/build';
import { fixture } from '../helpers';
import { fixtureTraces, tempTrace } from './helpers';

const bigints = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v);

/** Per event, as the sink sees it: the decoded event, then the event's JSON (body and fields). */
async function seen(file: string, opts: ReadOptions): Promise<{ lines: string[]; fromBytes: number }> {
  // with the probe definitions found next to a capture (typed fetchargs), as the model build reads them
  const decoder = new Decoder(catalogOf(probeTextsFor(file, {})), undefined, { pte: false });
  const lines: string[] = [];
  let fromBytes = 0;
  const summary = await readTrace(
    file,
    (ev) => {
      if (ev instanceof TextEvent && ev.pendingSplitBytes() !== undefined) fromBytes++;
      const d = JSON.stringify(decoder.decode(ev), bigints);
      lines.push(`${d}\n${JSON.stringify(ev)}\n${ev.body}\n${JSON.stringify(ev.fields)}`);
    },
    opts,
  );
  lines.push(JSON.stringify(summary, bigints));
  return { lines, fromBytes };
}

function traces(): string[] {
  const out = fixtureTraces();
  const dat = fixture('tracedat');
  for (const f of readdirSync(dat)) if (f.endsWith('.txt.gz')) out.push(tempTrace(gunzipSync(readFileSync(join(dat, f))), f.replace(/\.gz$/, '')));
  return out;
}

test('a transient read decodes and serialises every fixture event as an ordinary read', async () => {
  let events = 0;
  let fromBytes = 0;
  for (const file of traces()) {
    const plain = await seen(file, { fields: true });
    const transient = await seen(file, { fields: true, transient: true, chunkSize: 4096 });
    assert.equal(transient.lines.length, plain.lines.length, file);
    for (let i = 0; i < plain.lines.length; i++) assert.equal(transient.lines[i], plain.lines[i], `${file}: event ${i + 1}`);
    events += plain.lines.length;
    fromBytes += transient.fromBytes;
  }
  assert.ok(events > 10000 && fromBytes > 5000, `${events} events, ${fromBytes} decoded from bytes`);
});

test('continuation lines and held events keep their text across buffer refills', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const cpu = i % 3;
    lines.push(`  kworker/${cpu}:1-${100 + cpu}  [00${cpu}] .....  10.${String(100000 + i)}: probe_${i % 5}: (sym_${i % 5}+0x0/0x40) start=0x${(0x1000 * i).toString(16)} name="a b ${i}" v=${i}`);
    if (i % 50 === 7) lines.push(`  kworker/${cpu}:1-${100 + cpu}  [00${cpu}] .....  10.${String(100000 + i)}: amdgpu_vm_update_ptes: start=0x${i.toString(16)} dst:`, `  pte=0x${i}`);
  }
  const file = tempTrace(`${lines.join('\n')}\n`);
  const plain = await seen(file, { fields: true });
  const transient = await seen(file, { fields: true, transient: true, chunkSize: 4096 });
  assert.deepEqual(transient.lines, plain.lines);
  assert.ok(transient.fromBytes > 300);
});
