/**
 * parseBracketContext tries the common line shape first (parseCommonContext) and falls back to the general
 * scan (parseAnyContext): both must read every line the same, on every fixture line and on odd task names.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LineContext, parseAnyContext, parseBracketContext } from '../../../src/core/ingest/context';
import { fixture, seededRandom } from '../helpers';
import { fixtureTraces, readText } from './helpers';

/** What a parse gave: false, or every field of the context. */
function parsed(parse: typeof parseBracketContext, buf: Buffer, start: number, end: number): false | Record<string, unknown> {
  const ctx = new LineContext();
  return parse(buf, start, end, ctx) ? { ...ctx } : false;
}

function sameAsGeneral(line: string | Buffer): boolean {
  const buf = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  let s = 0;
  while (s < buf.length && (buf[s] === 32 || buf[s] === 9)) s++;
  const fast = parsed(parseBracketContext, buf, s, buf.length);
  assert.deepEqual(fast, parsed(parseAnyContext, buf, s, buf.length), buf.toString('utf8'));
  return fast !== false;
}

/** Every fixture trace and trace-cmd report, the gzipped ones unpacked. */
function fixtureTexts(): Buffer[] {
  const out = fixtureTraces().map((f) => readFileSync(f));
  const dat = fixture('tracedat');
  for (const f of readdirSync(dat)) if (f.endsWith('.txt.gz')) out.push(gunzipSync(readFileSync(join(dat, f))));
  return out;
}

test('the common-shape path reads every fixture line as the general scan does', () => {
  let lines = 0;
  let contexts = 0;
  for (const text of fixtureTexts()) {
    let p = 0;
    while (p < text.length) {
      let nl = text.indexOf(10, p);
      if (nl === -1) nl = text.length;
      if (sameAsGeneral(text.subarray(p, nl))) contexts++;
      lines++;
      p = nl + 1;
    }
  }
  assert.ok(lines > 10000 && contexts > 5000, `${lines} lines, ${contexts} with a context`);
});

test('odd task names, pids, flags and timestamps read the same on both paths', () => {
  const comms = ['sh', 'kworker/u16:3', 'a b c', 'x-1', 'x-1 [000]', 'x-12 (  5) [001]', 'w[0]', '[x]', 'a:b', ':', '12345', '-', '--', '<...>', 'a-b-c-', ' lead', 'name:2 [3] d..1 5.5: x', '(', 'a)', 'é-ü', ''];
  const pids = ['0', '1', '82', '1234567', '123456789012345678', ''];
  const tgids = ['', '(   82) ', '(-------) ', '(  x) ', '() '];
  const cpus = ['[000]', '[1]', '[0001]', '[]', '[0a]', '[000'];
  const flags = ['', '.....', 'd..2.', 'dNh1', 'd..1.....', '1.2.3.4', 'd.!2.', 'D', '5000.000000'];
  const times = ['5000.000042:', '5000.000042: ', '42:', '1.123456789123:', '5000.:', '.5:', '5000.000042', '5000.00:00:', '123: x', '5000.000042:x'];
  const bodies = ['', ' tlb_flush: pages:1 reason:x', ' <stack trace>', '\tname: body [000]'];
  let n = 0;
  let ok = 0;
  for (const comm of comms)
    for (const pid of pids)
      for (const tgid of tgids)
        for (const cpu of cpus)
          for (const fl of flags)
            for (const ts of times) {
              const body = bodies[n % bodies.length];
              const sep = n % 3 === 0 ? '\t' : ' ';
              const line = `${' '.repeat(n % 5)}${comm}-${pid}${' '.repeat(n % 4)}${sep}${tgid}${cpu} ${fl}${fl ? sep : ''} ${ts}${body}`;
              if (sameAsGeneral(line)) ok++;
              n++;
            }
  assert.ok(ok > 1000, `${ok} of ${n} lines parsed`);
});

test('stack frames and other lines without a context read as none on both paths', () => {
  for (const line of [' => kprobe_trace_func', '=> dmirror_interval_invalidate+0x0/0x100 [test_hmm]', 'CPU:1 [LOST 3 EVENTS]', '# tracer: nop', '', 'x', '[000]', '-1 [000]']) {
    assert.equal(sameAsGeneral(line), false, line);
  }
});

test('a line starting with "=>" is a frame only when it has no context: a task may be named "=> x"', async () => {
  const text = [
    '  hmmtrace-961     [000] .....  5000.000001: mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) start=0x1000 end=0x2000',
    '  hmmtrace-961     [000] .....  5000.000002: <stack trace>',
    ' => kprobe_trace_func',
    ' => dmirror_interval_invalidate+0x0/0x100 [test_hmm]',
    ' => kprobe_trace_func',
    '=> x-12     [001] .....  5000.000003: tlb_flush: pages:1 reason:x',
    '=>-7 [001] .....  5000.000004: tlb_flush: pages:2 reason:y',
  ].join('\n');
  const { events, summary } = await readText(`${text}\n`);
  assert.equal(summary.unparsedLines, 0);
  assert.deepEqual(events.map((e) => [e.comm, e.pid, e.name]), [['hmmtrace', 961, 'mn_start'], ['=> x', 12, 'tlb_flush'], ['=>', 7, 'tlb_flush']]);
  assert.deepEqual(events[0].stack, ['kprobe_trace_func', 'dmirror_interval_invalidate+0x0/0x100 [test_hmm]', 'kprobe_trace_func']);
});

test('timestamps of any length read the same on both paths (words of 4 digits on the common one)', () => {
  const rnd = seededRandom(11);
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(rnd() * 10))).join('');
  let ok = 0;
  for (let i = 0; i < 20000; i++) {
    const secs = digits(Math.floor(rnd() * 21));
    const frac = rnd() < 0.2 ? '' : `.${digits(Math.floor(rnd() * 15))}`;
    const tail = [': x', ':', ':x', ' x', 'a: x'][Math.floor(rnd() * 5)];
    if (sameAsGeneral(`  sh-82     [001] d..2. ${secs}${frac}${tail}`)) ok++;
  }
  assert.ok(ok > 5000, `${ok} lines parsed`);
});
