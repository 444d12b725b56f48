/**
 * Property test: real lines of every format, mutated at random (seeded, reproducible), must never throw,
 * never hang, and always leave every line accounted for (parsed + unparsed + comment + blank = lines).
 * 10k mutated lines go straight through each format's line parser; 40 whole mutated files go
 * through readTrace (where refusing a file with a TraceInputError is an allowed outcome).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../helpers';
import { Accounting } from '../../../src/core/ingest/accounting';
import { DmesgParser } from '../../../src/core/ingest/dmesg';
import { FtraceTextParser } from '../../../src/core/ingest/ftraceText';
import { FuncgraphTextParser } from '../../../src/core/ingest/funcgraphText';
import { PerfScriptParser } from '../../../src/core/ingest/perfScript';
import type { LineParser } from '../../../src/core/ingest/reader';
import { readTrace } from '../../../src/core/ingest/index';
import { TraceInputError } from '../../../src/core/ingest/types';
import { tempTrace } from './helpers';

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = [...'[]()-:|{}";=<>#/* \t\r\0.0123456789x'].map((c) => c.charCodeAt(0));

function mutate(line: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(line);
  const ops = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(rnd() * (b.length + 1));
    switch (Math.floor(rnd() * 7)) {
      case 0: // flip a byte to anything (invalid UTF-8 included)
        if (b.length) b[Math.min(at, b.length - 1)] = Math.floor(rnd() * 256);
        break;
      case 1: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + Math.floor(rnd() * 20)))]);
        break;
      case 2: // insert a syntax character
        b = Buffer.concat([b.subarray(0, at), Buffer.from([SPECIAL[Math.floor(rnd() * SPECIAL.length)]]), b.subarray(at)]);
        break;
      case 3: // truncate
        b = b.subarray(0, at);
        break;
      case 4: // duplicate a slice
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.floor(rnd() * b.length)), b.subarray(at)]);
        break;
      case 5: // long run of one character
        b = Buffer.concat([b.subarray(0, at), Buffer.alloc(Math.floor(rnd() * 300), SPECIAL[Math.floor(rnd() * SPECIAL.length)]), b.subarray(at)]);
        break;
      default: // swap two halves
        b = Buffer.concat([b.subarray(at), b.subarray(0, at)]);
    }
  }
  return b;
}

const SOURCES: { file: string[]; make: (acc: Accounting) => LineParser }[] = [
  { file: ['traces', 'k6.1', 'pinned-ftracestack.txt'], make: (acc) => new FtraceTextParser(acc, {}, 'ftrace') },
  { file: ['traces', 'k6.1', 'exclusive-tracecmd.txt'], make: (acc) => new FtraceTextParser(acc, {}, 'tracecmd') },
  { file: ['traces', 'k6.1', 'exclusive-perf.txt'], make: (acc) => new PerfScriptParser(acc, {}) },
  { file: ['traces', 'k6.1', 'migrate_fault-funcgraph.txt'], make: (acc) => new FuncgraphTextParser(acc, {}) },
  { file: ['traces', 'k6.1', '_guest-6.1-dmesg.txt'], make: (acc) => new DmesgParser(acc, {}) },
];

test('10k mutated real lines through every format parser: no exception, every line accounted for', () => {
  const rnd = prng(0x5eed);
  let cases = 0;
  for (const src of SOURCES) {
    const lines = readFileSync(fixture(...src.file), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => Buffer.from(l));
    let delivered = 0;
    const acc = new Accounting(() => delivered++);
    const parser = src.make(acc);
    const n = 2000;
    for (let i = 1; i <= n; i++) {
      const line = mutate(lines[Math.floor(rnd() * lines.length)], rnd);
      // the reader never hands a parser a newline; a mutation may have put one in
      const nl = line.indexOf(10);
      const b = nl === -1 ? line : line.subarray(0, nl);
      parser.line(b, 0, b.length, i, i * 100);
      cases++;
    }
    parser.finish();
    const s = acc.summary('fuzz', 'ftrace', parser.detail(), n);
    assert.equal(s.parsedLines + s.unparsedLines + s.commentLines + s.blankLines, n, src.file.join('/'));
    assert.equal(delivered, s.events);
    assert.ok(s.events <= n);
  }
  assert.equal(cases, 10000);
});

test('mutated whole files through readTrace: a summary with every line accounted for, or a TraceInputError', async () => {
  const rnd = prng(42);
  let read = 0;
  let refused = 0;
  for (let f = 0; f < 40; f++) {
    const src = SOURCES[f % SOURCES.length];
    const lines = readFileSync(fixture(...src.file)).toString('latin1').split('\n').slice(0, 200);
    const out = lines.map((l) => (rnd() < 0.3 ? mutate(Buffer.from(l, 'latin1'), rnd) : Buffer.from(l, 'latin1')));
    const file = tempTrace(Buffer.concat(out.flatMap((b) => [b, Buffer.from('\n')])));
    try {
      const s = await readTrace(file, () => {});
      assert.equal(s.parsedLines + s.unparsedLines + s.commentLines + s.blankLines, s.lines);
      read++;
    } catch (e) {
      assert.ok(e instanceof TraceInputError, String(e));
      refused++;
    }
  }
  assert.ok(read > 20, `only ${read} of 40 mutated files were read (${refused} refused)`);
});
