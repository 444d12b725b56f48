/**
 * A kept context prefix (contextPrefix.ts) must read a line as the plain common-shape scan reads it: same task,
 * pid, CPU, flags, timestamp and rest, on every fixture line, and never accept a line the scan would read
 * otherwise (an odd timestamp after a known prefix falls back to the scan).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ContextShape, LineContext, bracketContext, parseTimeAt } from '../../../src/core/ingest/context';
import { PrefixCache } from '../../../src/core/ingest/contextPrefix';
import { fixture } from '../helpers';
import { fixtureTraces, readText } from './helpers';

function fixtureTexts(): Buffer[] {
  const out = fixtureTraces().map((f) => readFileSync(f));
  const dat = fixture('tracedat');
  for (const f of readdirSync(dat)) if (f.endsWith('.txt.gz')) out.push(gunzipSync(readFileSync(join(dat, f))));
  return out;
}

/** Feeds lines of one buffer through a PrefixCache as the ftrace parser does; checks each hit against the scan. */
function checkLines(text: Buffer): { lines: number; hits: number } {
  const cache = new PrefixCache();
  const viaPrefix = new LineContext();
  const plain = new LineContext();
  let lines = 0;
  let hits = 0;
  let p = 0;
  while (p < text.length) {
    let nl = text.indexOf(10, p);
    if (nl === -1) nl = text.length;
    const start = p;
    const end = nl;
    p = nl + 1;
    lines++;
    let s = start;
    while (s < end && (text[s] === 32 || text[s] === 9)) s++;
    const shape = bracketContext(text, s, end, plain);
    const known = cache.find(text, start, end);
    if (known !== undefined && parseTimeAt(text, start + known.run.length, end, viaPrefix)) {
      known.apply(start, viaPrefix);
      hits++;
      const line = text.toString('utf8', start, end);
      assert.equal(shape, ContextShape.Common, line);
      assert.deepEqual({ ...viaPrefix }, { ...plain }, line);
      assert.equal(known.comm, text.toString('utf8', plain.commStart, plain.commEnd), line);
      assert.equal(known.flags, plain.flagsEnd > plain.flagsStart ? text.toString('utf8', plain.flagsStart, plain.flagsEnd) : undefined, line);
      continue;
    }
    if (shape === ContextShape.Common) {
      const flags = plain.flagsEnd > plain.flagsStart ? text.toString('utf8', plain.flagsStart, plain.flagsEnd) : undefined;
      cache.keep(text, start, plain, text.toString('utf8', plain.commStart, plain.commEnd), flags);
    }
  }
  return { lines, hits };
}

test('a kept prefix reads every fixture line as the common-shape scan does', () => {
  let lines = 0;
  let hits = 0;
  for (const text of fixtureTexts()) {
    const r = checkLines(text);
    lines += r.lines;
    hits += r.hits;
  }
  assert.ok(hits > lines / 4, `${hits} hits of ${lines} lines`);
});

test('lines after a known prefix with odd timestamps, flags and tails read as the scan reads them', () => {
  const prefixes = ['        hmmtrace-961     [000] .....  ', '  sh-82 [001] d..2. ', 'kworker/0:1-12 [002] ', '<idle>-0 [000] 12345 ', 'a b-1 [3] ', '-1 [0] '];
  const tails = ['5000.000042: x: y', '5000.000042:', '5000.000042', '5000.: x', '42: x', '42 x: y', ' 5000.1: x', '5000.1:x', '.5: x', 'd..2. 5000.1: x', '5000.1 6000.2: x', '1.123456789123: x', 'x', ''];
  const lines: string[] = [];
  for (const pre of prefixes) {
    // the first line of each prefix is a plain one (kept), then every tail after the same prefix
    lines.push(`${pre}1.000001: first: line`);
    for (const tail of tails) lines.push(`${pre}${tail}`);
  }
  const r = checkLines(Buffer.from(lines.join('\n'), 'utf8'));
  assert.ok(r.hits >= prefixes.length * 3, `${r.hits} hits`);
});

test('events read through kept prefixes carry the task, pid, CPU and flags of their own line', async () => {
  const text = [
    '        hmmtrace-961     [000] .....  5000.000001: tlb_flush: pages:1 reason:a',
    '        hmmtrace-961     [000] d..2.  5000.000002: tlb_flush: pages:2 reason:b',
    '        hmmtrace-961     [000] .....  5000.000003: tlb_flush: pages:3 reason:c',
    '        hmmtrace-962     [000] .....  5000.000004: tlb_flush: pages:4 reason:d',
    '        hmmtrace-961     [001] .....  5000.000005: tlb_flush: pages:5 reason:e',
    '        hmmtrace-961     [000] d..2.  5000.000006: tlb_flush: pages:6 reason:f',
    '        hmmtrace-961     [000] .....  5000.000007: tlb_flush: pages:7 reason:g',
  ].join('\n');
  const { events, summary } = await readText(`${text}\n`);
  assert.equal(summary.unparsedLines, 0);
  assert.deepEqual(
    events.map((e) => [e.comm, e.pid, e.cpu, e.flags, e.ts, e.fields.pages]),
    [
      ['hmmtrace', 961, 0, '.....', 5000000001000, '1'],
      ['hmmtrace', 961, 0, 'd..2.', 5000000002000, '2'],
      ['hmmtrace', 961, 0, '.....', 5000000003000, '3'],
      ['hmmtrace', 962, 0, '.....', 5000000004000, '4'],
      ['hmmtrace', 961, 1, '.....', 5000000005000, '5'],
      ['hmmtrace', 961, 0, 'd..2.', 5000000006000, '6'],
      ['hmmtrace', 961, 0, '.....', 5000000007000, '7'],
    ],
  );
});
