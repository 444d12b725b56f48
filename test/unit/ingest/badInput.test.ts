/**
 * Bad input: never a crash or a hang, every line accounted for, a clear message with file and line when
 * the input cannot be read as a trace at all.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../helpers';
import { readTrace } from '../../../src/core/ingest/index';
import { TraceInputError } from '../../../src/core/ingest/types';
import { accounted, readAll, readText, tempTrace } from './helpers';

const REAL = fixture('traces', 'k6.1', 'migrate_fault-ftrace.txt');
const LINE = '              sh-82      [000] .....     5.893875: tlb_flush: pages:1 reason:local mm shootdown (3)';

test('CRLF line endings: same events as LF, with a warning', async () => {
  const lf = await readAll(REAL);
  const crlf = await readAll(tempTrace(readFileSync(REAL, 'utf8').replace(/\n/g, '\r\n')));
  assert.equal(crlf.summary.events, lf.summary.events);
  assert.equal(crlf.summary.unparsedLines, 0);
  assert.deepEqual(crlf.events[5].fields, lf.events[5].fields);
  assert.ok(crlf.summary.warnings.some((w) => /CRLF/.test(w)));
});

test('truncated last line (no newline, cut mid-event) is still a line, counted and flagged', async () => {
  const text = readFileSync(REAL, 'utf8');
  const cut = text.slice(0, text.length - 40);
  const { summary } = await readText(cut);
  assert.ok(accounted(summary));
  assert.equal(summary.lines, cut.split('\n').length);
  assert.ok(summary.warnings.some((w) => /no newline/.test(w)));
});

test('NUL bytes inside lines: counted as unparsed when they break a line, warned, never a crash', async () => {
  const { summary } = await readText(`# tracer: nop\n${LINE}\n${LINE.slice(0, 30)}\0\0\0${LINE.slice(33)}\n\0\0\0\0\n${LINE}\n`);
  assert.ok(accounted(summary));
  assert.equal(summary.events >= 2, true);
  assert.ok(summary.warnings.some((w) => /NUL bytes.*line 3/.test(w)));
});

test('invalid UTF-8 in a task name and a body: parsed, shown as U+FFFD, warned', async () => {
  const bad = Buffer.concat([
    Buffer.from('# tracer: nop\n          h\xffmm-130     [001] .....     5.898424: tracing_mark_write: caf', 'latin1'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('\n'),
  ]);
  const { events, summary } = await readAll(tempTrace(bad));
  assert.equal(events.length, 1);
  assert.equal(events[0].pid, 130);
  assert.ok(events[0].comm.includes('\ufffd'));
  assert.ok(summary.warnings.some((w) => /UTF-8/.test(w)));
});

test('a 10 MB single line is capped, counted as overlong, and reading goes on', async () => {
  const huge = `${LINE} x=${'a'.repeat(10 * 1024 * 1024)}`;
  const { events, summary } = await readText(`# tracer: nop\n${LINE}\n${huge}\n${LINE}\n`);
  assert.equal(summary.overlongLines, 1);
  assert.equal(summary.lines, 4);
  assert.ok(accounted(summary));
  assert.equal(events[events.length - 1].line, 4);
  assert.ok(events.every((e) => e.body.length <= 1 << 20));
});

test('empty file: a clear TraceInputError naming the file', async () => {
  const p = tempTrace('');
  await assert.rejects(readTrace(p, () => {}), (e: unknown) => e instanceof TraceInputError && e.message.includes(p) && /empty/.test(e.message));
});

test('a binary that is not a trace: refused with a clear message', async () => {
  const bin = Buffer.alloc(4096);
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) & 0xff;
  bin.write('\x7fELF', 0, 'latin1');
  await assert.rejects(readTrace(tempTrace(bin), () => {}), (e: unknown) => e instanceof TraceInputError && /not a trace/.test(e.message));
});

test('plain text that is no known format: refused, saying what was looked for and the first line', async () => {
  await assert.rejects(readTrace(tempTrace('hello world\nthis is not a trace\n'), () => {}), (e: unknown) => e instanceof TraceInputError && /not a trace.*hello world/.test(e.message));
});

test('a file mixing formats is refused with what was recognised and where', async () => {
  const perf = '            perf 12886 [000] 89565.879875: probe:do_sys_open: (ffffffffa807b290)\n';
  await assert.rejects(readTrace(tempTrace(`${LINE}\n${LINE}\n${perf}`), () => {}), (e: unknown) => {
    assert.ok(e instanceof TraceInputError);
    assert.match(e.message, /ftrace text \(2 lines, first at line 1\) and perf script \(1 lines, first at line 3\)/);
    assert.equal(e.line, 3);
    return true;
  });
});

test('trace.dat magic is recognised and handed to the trace.dat reader; perf.data is refused with advice', async () => {
  const { sniffFormat } = await import('../../../src/core/ingest/sniff');
  assert.equal((await sniffFormat(fixture('traces', 'k6.1', 'munmap-tracecmd.dat'))).format, 'trace-dat');
  await assert.rejects(readTrace(tempTrace(Buffer.from('PERFILE2\0\0\0\0')), () => {}), /perf script/);
});

test('header-only file: zero events, all lines comments, no error', async () => {
  const { summary } = await readText('# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:2\n#\n');
  assert.equal(summary.events, 0);
  assert.equal(summary.commentLines, 4);
  assert.equal(summary.firstTs, undefined);
});

test('garbage lines in the middle are unparsed, with line numbers and text; the first 20 kept', async () => {
  const lines = ['# tracer: nop', LINE];
  for (let i = 0; i < 30; i++) lines.push(`garbage ${i}`);
  lines.push(LINE);
  const { summary } = await readText(`${lines.join('\n')}\n`);
  assert.equal(summary.unparsedLines, 30);
  assert.equal(summary.unparsedSamples.length, 20);
  assert.deepEqual(summary.unparsedSamples[0], { line: 3, text: 'garbage 0', reason: 'no "comm-pid [cpu] timestamp:" context' });
  assert.ok(accounted(summary));
});

test('small chunks: lines split across every chunk boundary give the same result', async () => {
  const whole = await readAll(REAL);
  const small = await readAll(REAL, { chunkSize: 4096 });
  assert.deepEqual(small.events, whole.events);
  // `fields` is an accessor of the text reader's events (computed when read): compare it explicitly
  assert.deepEqual(small.events.map((e) => e.fields), whole.events.map((e) => e.fields));
});

test('cancellation through AbortSignal stops the read and says so; progress reports bytes', async () => {
  const ac = new AbortController();
  let progress = 0;
  const s = await readTrace(fixture('traces', 'k6.1', 'pinned-ftracestack.txt'), () => ac.abort(), {
    signal: ac.signal,
    chunkSize: 4096,
    onProgress: (done) => (progress = done),
  });
  assert.equal(s.cancelled, true);
  assert.ok(progress > 0 && progress < 2112777);
});
