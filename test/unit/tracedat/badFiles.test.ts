/**
 * Bad trace.dat files: wrong magic, an unknown section id, a corrupt compressed chunk, and the real capture
 * truncated at every section boundary. Each gives a clear error naming the file and byte offset, never a
 * crash or a hang, and events read before the damage stay with the sink.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceDat } from '../../../src/core/ingest/tracedat/index';
import { TraceInputError, type IngestSummary, type RawEvent } from '../../../src/core/ingest/types';
import { fixture } from '../helpers';
import { VARIANTS, buildVariant } from './handbuilt';

const dir = mkdtempSync(join(tmpdir(), 'hmm-tracedat-bad-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const CAPTURE = fixture('traces', 'k6.1', 'double_migrate-tracecmd.dat');
const FULL_EVENTS = 361;

type Outcome = { error: TraceInputError; events: RawEvent[] } | { summary: IngestSummary; events: RawEvent[] };

async function attempt(name: string, bytes: Buffer): Promise<Outcome> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const events: RawEvent[] = [];
  try {
    return { summary: await readTraceDat(file, (e) => events.push(e)), events };
  } catch (e) {
    // anything but a TraceInputError is a bug: let it fail the test
    if (!(e instanceof TraceInputError)) throw e;
    return { error: e, events };
  }
}

/** Section and data boundaries of a v7 file, found by walking its options sections (test-side walker). */
function v7Boundaries(b: Buffer): { boundaries: number[]; chunkData: number; headerInfo: number } {
  const le = b[b.indexOf(0, 10) + 1] === 0;
  const u16 = (o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (o: number): number => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const set = new Set<number>();
  let p = b.indexOf(0, 10) + 7;
  p = b.indexOf(0, b.indexOf(0, p) + 1) + 1; // "zstd\0" "1.5.4\0"
  set.add(p);
  let opt = u64(p);
  let chunkData = -1;
  let headerInfo = -1;
  const section = (at: number): void => {
    set.add(at);
    set.add(at + 16);
    set.add(at + 16 + u64(at + 8));
  };
  while (opt) {
    section(opt);
    let q = opt + 16;
    for (;;) {
      const id = u16(q);
      const size = u32(q + 2);
      const data = q + 6;
      if (id === 0) {
        opt = u64(data);
        break;
      }
      if (id >= 16 && id <= 21) {
        section(u64(data));
        if (id === 16) headerInfo = u64(data);
      }
      if (id === 3) {
        section(u64(data));
        let r = b.indexOf(0, b.indexOf(0, data + 8) + 1) + 1 + 4; // name, clock, page size
        const cpus = u32(r);
        r += 4;
        for (let i = 0; i < cpus; i++) {
          const off = u64(r + 4);
          const sz = u64(r + 12);
          set.add(off);
          set.add(off + 4);
          set.add(off + 12);
          set.add(off + sz);
          if (chunkData < 0 && sz > 0) chunkData = off + 12;
          r += 20;
        }
      }
      q = data + size;
    }
  }
  return { boundaries: [...set].filter((x) => x > 0 && x < b.length).sort((x, y) => x - y), chunkData, headerInfo };
}

test('a file without the trace.dat magic is rejected with the file name and offset 0', async () => {
  const out = await attempt('not-a-trace.dat', Buffer.from('# tracer: nop\n#\n'));
  assert.ok('error' in out);
  assert.match(out.error.message, /not-a-trace\.dat: not a trace\.dat file \(wrong magic.*byte offset 0/);
});

test('an unknown section id stops the read with its id and offset', async () => {
  const b = Buffer.from(readFileSync(CAPTURE));
  const { headerInfo } = v7Boundaries(b);
  b.writeUInt16LE(0x77, headerInfo);
  const out = await attempt('unknown-section.dat', b);
  assert.ok('error' in out);
  assert.match(out.error.message, new RegExp(`unknown section id 119 at byte offset ${headerInfo} `));
});

test('a corrupt compressed chunk ends the read with a warning naming the chunk; nothing is invented', async () => {
  const b = Buffer.from(readFileSync(CAPTURE));
  const { chunkData } = v7Boundaries(b);
  b.fill(0x5a, chunkData, chunkData + 8); // destroy the zstd frame header of CPU 0's first chunk
  const out = await attempt('corrupt-chunk.dat', b);
  assert.ok('summary' in out);
  assert.equal(out.summary.warnings.length, 1);
  assert.match(out.summary.warnings[0]!, new RegExp(`corrupt compressed chunk of CPU 0: .* at byte offset ${chunkData - 8} `));
  assert.ok(out.events.length < FULL_EVENTS);
});

test('the real capture truncated at every section and data boundary: clear errors, events so far kept', async () => {
  const b = readFileSync(CAPTURE);
  const { boundaries } = v7Boundaries(b);
  assert.ok(boundaries.length >= 20, `walked ${boundaries.length} boundaries`);
  for (const cut of boundaries.flatMap((x) => [x - 1, x])) {
    const out = await attempt(`cut-${cut}.dat`, b.subarray(0, cut));
    if ('error' in out) {
      assert.match(out.error.message, /cut-\d+\.dat: .*(truncated|ends|bad|missing|corrupt).* at byte offset \d+/, `cut at ${cut}: ${out.error.message}`);
      assert.equal(out.events.length, 0);
    } else if (out.events.length === FULL_EVENTS && out.summary.warnings.length === 0) {
      // the cut removed only bytes nothing points at (trace-cmd leaves some after the last section)
      assert.ok(cut >= b.length - 128, `cut at ${cut} lost nothing`);
    } else {
      // cut inside the trace data: the metadata was complete, so what precedes the cut is delivered
      assert.ok(out.summary.warnings.some((w) => /read stopped after \d+ events: .*byte offset/.test(w)), `cut at ${cut} (${out.events.length} events): ${JSON.stringify(out.summary.warnings)}`);
      assert.equal(out.summary.events, out.events.length);
      assert.ok(out.events.length < FULL_EVENTS, `cut at ${cut}`);
    }
  }
});

test('hand-built files cut or corrupted anywhere never crash or hang the reader', async () => {
  for (const v of VARIANTS) {
    const full = buildVariant(v);
    for (let cut = 0; cut < full.length; cut += 601) {
      await attempt('cut.dat', full.subarray(0, cut));
    }
    // flip single bytes across the metadata and the pages
    for (let at = 11; at < full.length; at += 409) {
      const c = Buffer.from(full);
      c[at] = c[at]! ^ 0xff;
      await attempt('flip.dat', c);
    }
  }
});
