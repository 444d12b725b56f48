/**
 * The ftrace TextMate grammar, run by the same engine VS Code uses (vscode-textmate + the Oniguruma wasm),
 * on lines copied verbatim from the real captures in test/fixtures/traces and the reference's samples.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { fixture, repoRoot } from '../helpers';

const grammarPath = join(repoRoot(), 'syntaxes', 'ftrace.tmLanguage.json');

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(join(repoRoot(), 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.ftrace' ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar('source.ftrace');
  assert.ok(grammar, 'grammar loads');
  return grammar;
}

const grammarPromise = loadGrammar();

/** text of each token → its innermost scope, for the tokens of one line */
async function scopesOf(line: string): Promise<Map<string, string[]>> {
  const grammar = await grammarPromise;
  const r = grammar.tokenizeLine(line, vsctm.INITIAL);
  const out = new Map<string, string[]>();
  for (const t of r.tokens) {
    const text = line.slice(t.startIndex, t.endIndex);
    out.set(text, [...(out.get(text) ?? []), t.scopes[t.scopes.length - 1]]);
  }
  return out;
}

async function expectScopes(line: string, expected: Record<string, string>): Promise<void> {
  const got = await scopesOf(line);
  for (const [text, scope] of Object.entries(expected)) {
    const scopes = got.get(text);
    assert.ok(scopes, `token ${JSON.stringify(text)} not found in ${JSON.stringify([...got.keys()])}`);
    assert.ok(scopes.some((s) => s.startsWith(scope)), `${JSON.stringify(text)}: expected ${scope}, got ${scopes.join(', ')}`);
  }
}

test('the checked-in grammar JSON is what syntaxes/build-grammar.mjs generates', () => {
  const r = spawnSync(process.execPath, [join(repoRoot(), 'syntaxes', 'build-grammar.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(grammarPath, 'utf8'));
});

test('every grammar regex compiles in JavaScript too (portable subset)', () => {
  const raw = readFileSync(grammarPath, 'utf8');
  const regexes: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'match' || k === 'begin' || k === 'end') && typeof x === 'string') regexes.push(x);
        else walk(x);
      }
    }
  };
  walk(JSON.parse(raw));
  assert.ok(regexes.length > 20);
  for (const re of regexes) assert.doesNotThrow(() => new RegExp(re.replace(/\\G/g, '')), re);
});

test('ftrace kprobe line: task, pid, CPU, flags, timestamp, event, probed symbol, fields, addresses', async () => {
  const line = readFileSync(fixture('traces', 'k6.1', 'migrate_fault-ftracestack.txt'), 'utf8').split('\n')[99];
  assert.match(line, /mvma_setup/);
  await expectScopes(line, {
    hmmtrace: 'entity.name.type.task',
    '236': 'constant.numeric.pid',
    '[001]': 'constant.numeric.cpu',
    '.....': 'storage.modifier.flags',
    '11.227809': 'constant.numeric.timestamp',
    mvma_setup: 'keyword.other.event',
    migrate_vma_setup: 'entity.name.function.probe',
    '+0x0/0x220': 'constant.numeric.offset',
    start: 'variable.parameter.field',
    '0x7f41d4e64000': 'constant.numeric.hex.address',
    pgmap_owner: 'variable.parameter.field',
  });
});

test('kretprobe line: caller, <-, callee and the return value', async () => {
  await expectScopes(
    '        hmmtrace-208     [001] .....     9.734444: dmirror_inval_ret: (__mmu_notifier_invalidate_range_start+0x137/0x190 <- dmirror_interval_invalidate) ret=1',
    {
      dmirror_inval_ret: 'keyword.other.event',
      __mmu_notifier_invalidate_range_start: 'entity.name.function.probe',
      '<-': 'keyword.operator.return',
      dmirror_interval_invalidate: 'entity.name.function.probe',
      ret: 'variable.parameter.field',
      '1': 'constant.numeric.decimal',
    },
  );
});

test('tracing_mark_write text in ftrace and trace-cmd report', async () => {
  await expectScopes(
    '        hmmtrace-116     [001] .N...     5.083349: tracing_mark_write: hmmtrace[migrate_fault] scenario migrate_fault start',
    { '.N...': 'storage.modifier.flags', tracing_mark_write: 'keyword.other.event.marker', 'hmmtrace[migrate_fault] scenario migrate_fault start': 'string.unquoted.marker' },
  );
  await expectScopes(
    '        hmmtrace-392   [000]    26.462958: print:                tracing_mark_write: hmmtrace[migrate_fault] scenario migrate_fault start',
    { print: 'keyword.other.event', tracing_mark_write: 'keyword.other.event.marker', '26.462958': 'constant.numeric.timestamp' },
  );
});

test('stack trace frames and <stack trace> entries', async () => {
  const lines = readFileSync(fixture('traces', 'k6.1', 'migrate_fault-ftracestack.txt'), 'utf8').split('\n');
  await expectScopes(lines[100], { '<stack trace>': 'keyword.other.event.stack' });
  await expectScopes(lines[106], { '=>': 'punctuation.definition.stack-frame', migrate_vma_setup: 'entity.name.function.stack-frame' });
  await expectScopes(lines[105], { '0xffffffffc000a0c8': 'constant.numeric.hex.address' });
  await expectScopes(' => dmirror_interval_invalidate+0x1a/0x30 [test_hmm]', {
    dmirror_interval_invalidate: 'entity.name.function.stack-frame',
    '+0x1a/0x30': 'constant.numeric.offset',
    '[test_hmm]': 'entity.name.namespace.module',
  });
});

test('perf script line: system and event, raw probe address, fields', async () => {
  await expectScopes(
    '        hmmtrace   469 [000]    46.879640:                          kprobes:mn_start: (ffffffff81249e60) start=0x7fab96d5c000 end=0x7fab96d6c000 flags=1 event=6 owner=0xffffffffc0006440 mm=0xff11000002c3e000',
    {
      hmmtrace: 'entity.name.type.task',
      '469': 'constant.numeric.pid',
      '46.879640': 'constant.numeric.timestamp',
      kprobes: 'entity.name.namespace.system',
      mn_start: 'keyword.other.event',
      ffffffff81249e60: 'constant.numeric.hex.address',
      owner: 'variable.parameter.field',
      '6': 'constant.numeric.decimal',
    },
  );
  await expectScopes('\tffffffffb7ad6b30 __schedule+0x8e0 ([kernel.kallsyms])', {
    ffffffffb7ad6b30: 'constant.numeric.hex.address',
    __schedule: 'entity.name.function.stack-frame',
  });
});

test('function_graph line: timestamp, CPU, task, duration, function, block braces, marker comment', async () => {
  await expectScopes('   19.848591 |   0)  hmmtrac-358   |               |  migrate_vma_setup() {', {
    '19.848591': 'constant.numeric.timestamp',
    '0)': 'constant.numeric.cpu',
    hmmtrac: 'entity.name.type.task',
    '358': 'constant.numeric.pid',
    migrate_vma_setup: 'entity.name.function',
    '{': 'punctuation.section.block.begin',
  });
  await expectScopes('   19.848805 |   0)  hmmtrac-358   | + 20.781 us   |    }', { '+': 'keyword.operator.overhead', '20.781 us': 'constant.numeric.duration', '}': 'punctuation.section.block.end' });
  await expectScopes('   19.848799 |   0)  hmmtrac-358   |   2.874 us    |      dmirror_interval_invalidate [test_hmm]();', {
    dmirror_interval_invalidate: 'entity.name.function',
    '[test_hmm]': 'entity.name.namespace.module',
  });
  await expectScopes('   19.844978 |   0)  hmmtrac-358   |               |  /* hmmtrace[migrate_fault] scenario migrate_fault start */', {
    '/* hmmtrace[migrate_fault] scenario migrate_fault start */': 'string.unquoted.marker',
  });
  await expectScopes('   0)   1.382 us    |          __might_sleep();', { '__might_sleep': 'entity.name.function', '1.382 us': 'constant.numeric.duration' });
});

test('function tracer, syscalls, tlb_flush key:value, headers and LOST events', async () => {
  await expectScopes('            <idle>-0     [001] d.h1  4186.475409: hrtimer_interrupt <-smp_apic_timer_interrupt', {
    '<idle>': 'entity.name.type.task',
    hrtimer_interrupt: 'entity.name.function',
    '<-': 'keyword.operator.return',
    smp_apic_timer_interrupt: 'entity.name.function.caller',
  });
  await expectScopes('        hmmtrace-208     [001] ...1.     9.734363: sys_ioctl(fd: 4, cmd: c0284802, arg: 7fffa710fbe0)', {
    sys_ioctl: 'keyword.other.event.syscall',
    fd: 'variable.parameter.field',
    cmd: 'variable.parameter.field',
  });
  await expectScopes('        hmmtrace-208     [001] ...1.     9.733676: sys_mmap -> 0x7f01ec533000', { sys_mmap: 'keyword.other.event.syscall', '->': 'keyword.operator.return' });
  await expectScopes('        hmmtrace-236     [001] d..2.    11.220442: tlb_flush: pages:1 reason:local mm shootdown (3)', {
    tlb_flush: 'keyword.other.event',
    pages: 'variable.parameter.field',
    reason: 'variable.parameter.field',
  });
  await expectScopes('# tracer: nop', { '# tracer: nop': 'comment.line' });
  await expectScopes('cpus=2', { 'cpus=2': 'comment.line.header' });
  await expectScopes('CPU:2 [LOST 1024 EVENTS]', { 'CPU:2 [LOST 1024 EVENTS]': 'invalid.illegal.lost-events' });
  await expectScopes('       kworker/u36:1-51219 [003] .....  100.000001: tracing_mark_write: x', { 'kworker/u36:1': 'entity.name.type.task', '51219': 'constant.numeric.pid' });
});

test('every line of every real capture tokenizes without throwing and fast', async () => {
  const grammar = await grammarPromise;
  const started = Date.now();
  let lines = 0;
  for (const name of ['k6.1/migrate_fault-ftracestack.txt', 'k6.1/migrate_fault-perf.txt', 'k6.1/migrate_fault-tracecmd.txt', 'k6.1/migrate_fault-funcgraph.txt']) {
    for (const line of readFileSync(fixture('traces', name), 'utf8').split('\n')) {
      const r = grammar.tokenizeLine(line, vsctm.INITIAL);
      assert.ok(r.tokens.length >= 1);
      lines++;
    }
  }
  assert.ok(lines > 5000);
  assert.ok(Date.now() - started < 10000, `tokenizing ${lines} lines took ${Date.now() - started} ms`);
});
