/**
 * `bodies: false` (the counting mode `stats` uses) must see exactly what the full reader sees: the same
 * lines parsed and unparsed, the same names, kinds, systems, CPUs, tasks and timestamps, on every real
 * capture, every reference sample and on mutated lines.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../helpers';
import { Accounting } from '../../../src/core/ingest/accounting';
import { FtraceTextParser } from '../../../src/core/ingest/ftraceText';
import { readTrace } from '../../../src/core/ingest/index';
import type { RawEvent } from '../../../src/core/ingest/types';

const key = (e: RawEvent) => [e.line, e.ts, e.cpu, e.pid, e.tgid, e.comm, e.flags, e.name, e.system, e.kind].join('|');

function files(): string[] {
  const out: string[] = [];
  for (const k of ['k6.1', 'k6.12']) {
    for (const f of readdirSync(fixture('traces', k))) if (/-(ftrace|ftracestack|tracecmd)(-k6\.12)?\.txt$/.test(f)) out.push(join(fixture('traces', k), f));
  }
  for (const f of readdirSync(fixture('ingest'))) if (f.endsWith('.txt')) out.push(fixture('ingest', f));
  return out;
}

test('counting mode equals the full reader on every real capture and reference sample', async () => {
  for (const file of files()) {
    const full: string[] = [];
    const light: string[] = [];
    const a = await readTrace(file, (e) => full.push(key(e)));
    const b = await readTrace(file, (e) => light.push(key(e)), { fields: false, bodies: false });
    assert.deepEqual(light, full, file);
    assert.deepEqual([b.parsedLines, b.unparsedLines, b.commentLines, b.blankLines], [a.parsedLines, a.unparsedLines, a.commentLines, a.blankLines], file);
  }
});

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

test('counting mode equals the full reader line by line on 6k mutated tracefs and trace-cmd lines', () => {
  const rnd = prng(7);
  for (const [file, style] of [
    [fixture('traces', 'k6.1', 'exclusive-ftracestack.txt'), 'ftrace'],
    [fixture('traces', 'k6.1', 'thp_migrate-tracecmd.txt'), 'tracecmd'],
  ] as const) {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith(' =>'));
    const full: string[] = [];
    const light: string[] = [];
    const accF = new Accounting((e) => full.push(key(e)));
    const accL = new Accounting((e) => light.push(key(e)), true);
    const pF = new FtraceTextParser(accF, {}, style);
    const pL = new FtraceTextParser(accL, { fields: false, bodies: false }, style);
    for (let i = 1; i <= 3000; i++) {
      let l = lines[Math.floor(rnd() * lines.length)];
      // mutate the event part: that is where the two paths differ
      const at = Math.floor(rnd() * l.length);
      const what = ['(', ')', ' <- ', ' ', ':', '+0x', '/', '[m]', 'x', ''][Math.floor(rnd() * 10)];
      l = rnd() < 0.5 ? l.slice(0, at) + what + l.slice(at) : l.slice(0, at) + what + l.slice(at + 1 + Math.floor(rnd() * 5));
      const b = Buffer.from(l);
      const uF = accF.unparsedLines;
      const uL = accL.unparsedLines;
      pF.line(b, 0, b.length, i, 0);
      pL.line(b, 0, b.length, i, 0);
      assert.equal(accL.unparsedLines - uL, accF.unparsedLines - uF, `line ${JSON.stringify(l)}`);
    }
    pF.finish();
    pL.finish();
    assert.deepEqual(light, full);
  }
});
