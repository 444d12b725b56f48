import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DRIVERS, TOOLS, buildRecipe, makeTarget, recipeText } from '../../../src/core/recipe';
import type { RecipeTool } from '../../../src/core/recipe';

const KERNELS = ['5.15', '6.1', '6.2', '6.3', '6.6', '6.8', '6.12', '6.15', '6.18'];

test('every generated script passes bash -n: all drivers x tools x kernels, with and without BTF and stacks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-recipe-syntax-'));
  try {
    const files: string[] = [];
    for (const driver of DRIVERS) {
      for (const tool of TOOLS) {
        for (const kernel of KERNELS) {
          for (const btf of [false, true]) {
            const stacks = !(btf && kernel === '6.12');
            const file = join(dir, `${driver}-${tool}-${kernel}-${btf}.sh`);
            writeFileSync(file, recipeText(makeTarget({ kernel, driver, tool, btf, stacks })));
            files.push(file);
          }
        }
      }
    }
    assert.equal(files.length, DRIVERS.length * TOOLS.length * KERNELS.length * 2);
    // one bash checks them all (each `bash -n` in turn, in a single process tree), naming any that fail
    const r = spawnSync('bash', ['-c', 'rc=0; for f in "$@"; do bash -n "$f" || { echo "FAILED $f"; rc=1; }; done; exit $rc', 'check', ...files], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.equal(r.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A fake tracefs (plain files) lets the script run for real: it must install each probe's first definition,
 * enable the events with the workload filters and stack triggers, run the workload, save the outputs, and
 * put tracefs back the way it was. Writing probe definitions needs no privileges here, but the script
 * insists on root, so the functional tests only run as root.
 */
function fakeTracefs(root: string, names: string[]): string {
  const t = join(root, 'tracing');
  const files: Record<string, string> = {
    kprobe_events: '',
    dynamic_events: '',
    trace: '# tracer: nop\n',
    trace_clock: '[local] global counter uptime perf mono mono_raw boot\n',
    tracing_on: '1\n',
    buffer_size_kb: '1408\n',
    // the kernel's format: "  %-44s %15lu %15lu" event name, hits, misses
    kprobe_profile: `  ${'mn_start'.padEnd(44)} ${'120'.padStart(15)} ${'0'.padStart(15)}\n  ${'mvma_setup_ret'.padEnd(44)} ${'7'.padStart(15)} ${'2'.padStart(15)}\n`,
  };
  mkdirSync(t, { recursive: true });
  for (const [f, c] of Object.entries(files)) writeFileSync(join(t, f), c);
  const events = [
    ...names.map((n) => `kprobes/${n}`),
    'migrate', 'thp', 'tlb/tlb_flush', 'exceptions/page_fault_user', 'sched/sched_switch', 'sched/sched_process_fork',
    'sched/sched_process_exit', 'printk/console', 'syscalls/sys_enter_mprotect', 'syscalls/sys_exit_mprotect',
  ];
  for (const e of events) {
    mkdirSync(join(t, 'events', e), { recursive: true });
    for (const f of ['enable', 'filter', 'trigger']) writeFileSync(join(t, 'events', e, f), '');
  }
  return t;
}

const EVENT_LINE = '       hmm-tests-2304    [002] .....   512.004101: mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) start=0x7f3a5c201000';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function runScript(tool: RecipeTool, opts: { btf?: boolean; dynamicEventsRefuses?: boolean; interrupt?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'hmm-recipe-run-'));
  const target = makeTarget({ kernel: '6.12', driver: 'test_hmm', tool, btf: opts.btf ?? false });
  const recipe = buildRecipe(target);
  const t = fakeTracefs(root, recipe.probes.map((p) => p.spec.name));
  if (opts.dynamicEventsRefuses) {
    // a kernel without CONFIG_FPROBE_EVENTS refuses f: definitions: model it as an unwritable file
    rmSync(join(t, 'dynamic_events'));
    mkdirSync(join(t, 'dynamic_events'));
  }
  const script = join(root, 'capture.sh');
  writeFileSync(script, recipeText(target));
  // the workload snapshots tracefs while it runs, then exits 3 (the script must exit with the workload's code)
  const workload = join(root, 'workload.sh');
  // (with interrupt: Ctrl-C reaches the script while the workload runs, as it does from a terminal)
  const ctrlC = opts.interrupt ? 'kill -INT $PPID\nsleep 0.2\n' : '';
  writeFileSync(workload, `#!/usr/bin/env bash\n${ctrlC}cp -r "${t}" "${join(root, 'during')}"\necho '${EVENT_LINE}' >> "${join(t, 'trace')}"\nexit 3\n`);
  chmodSync(workload, 0o755);
  // trace-cmd and perf stand-ins record their arguments and run the workload like the real tools
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const tool of ['trace-cmd', 'perf']) {
    writeFileSync(
      join(bin, tool),
      `#!/usr/bin/env bash\nprintf '%s\\n' "$@" >> "${join(root, `${tool}.args`)}"\n` +
        `if [ "$1" = record ]; then while [ $# -gt 0 ] && [ "$1" != "${workload}" ]; do shift; done; "$@"; exit $?; fi\necho "${tool} text output"\n`,
    );
    chmodSync(join(bin, tool), 0o755);
  }
  const r = spawnSync('bash', [script, workload], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TRACEFS: t, OUT: join(root, 'out'), PATH: `${bin}:${process.env.PATH ?? ''}` },
  });
  const read = (p: string) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : '');
  return { root, t, r, recipe, read, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('tracefs script: installs every probe, filters and triggers, runs the workload, restores tracefs', { skip: !isRoot && 'needs root' }, () => {
  const run = runScript('tracefs');
  try {
    assert.equal(run.r.status, 3, `exit code of the workload; stderr: ${run.r.stderr}`);
    const status = run.read('out-probes-status.txt').trim().split('\n');
    assert.equal(status.length, run.recipe.probes.length);
    assert.ok(status.every((l) => l.startsWith('OK     ')), 'every first definition accepted');
    const installed = run.read('tracing/kprobe_events');
    for (const p of run.recipe.probes) assert.ok(installed.includes(`:kprobes/${p.spec.name} `), `${p.spec.name} written to kprobe_events`);
    // state while the workload ran
    assert.equal(run.read('during/tracing_on').trim(), '1');
    assert.equal(run.read('during/trace_clock').trim(), 'mono');
    assert.equal(run.read('during/buffer_size_kb').trim(), '8192');
    assert.equal(run.read('during/events/kprobes/mn_start/enable').trim(), '1');
    assert.equal(run.read('during/events/kprobes/mn_start/trigger').trim(), 'stacktrace');
    assert.doesNotMatch(run.read('during/events/kprobes/mn_end/trigger'), /^stacktrace/m, 'no stacks where none are needed');
    assert.equal(run.read('during/events/sched/sched_switch/trigger').trim(), 'stacktrace if prev_state & 2');
    assert.equal(run.read('during/events/exceptions/page_fault_user/filter').trim(), 'comm == "workload.sh"');
    assert.equal(run.read('during/events/syscalls/sys_enter_mprotect/filter').trim(), 'comm == "workload.sh"', 'COMM defaults to the workload file name');
    assert.equal(run.read('during/events/migrate/enable').trim(), '1');
    // outputs and restored state
    assert.equal(run.read('out.txt').trim(), EVENT_LINE.trim(), 'the buffer was cleared before the run and saved after it');
    assert.ok(run.read('out.kprobe_events').includes('p:kprobes/mn_start __mmu_notifier_invalidate_range_start'));
    assert.equal(run.read('tracing/tracing_on').trim(), '0');
    assert.equal(run.read('tracing/trace_clock').trim(), 'local');
    assert.equal(run.read('tracing/events/kprobes/mn_start/enable').trim(), '0');
    assert.match(run.read('tracing/dynamic_events'), /^-:kprobes\/mn_start$/m, 'probes removed at exit');
    assert.match(run.r.stderr, /no tracepoint syscalls\/sys_enter_mmap on this kernel, skipped/, 'missing tracepoints are reported, not fatal');
    assert.match(run.r.stderr, /probe mvma_setup_ret missed 2 times \(7 hits\)/, 'kretprobe misses are reported');
    assert.doesNotMatch(run.r.stderr, /probe mn_start missed/);
    assert.ok(run.read('out-kprobe_profile.txt').includes('mvma_setup_ret'));
  } finally {
    run.cleanup();
  }
});

test('BTF script on a kernel that refuses fprobes falls back to the BTF-named kprobe, and says so', { skip: !isRoot && 'needs root' }, () => {
  const run = runScript('tracefs', { btf: true, dynamicEventsRefuses: true });
  try {
    assert.equal(run.r.status, 3, run.r.stderr);
    const status = run.read('out-probes-status.txt');
    assert.match(status, /^FAILED f:kprobes\/mn_start __mmu_notifier_invalidate_range_start start=range->start:x64/m);
    assert.match(status, /^OK {5}p:kprobes\/mn_start __mmu_notifier_invalidate_range_start start=range->start:x64/m);
    assert.doesNotMatch(status, /^OK {5}f:/m);
  } finally {
    run.cleanup();
  }
});

for (const tool of ['trace-cmd', 'perf'] as const) {
  test(`${tool} script: records the installed probes and tracepoints with filters, then writes the text`, { skip: !isRoot && 'needs root' }, () => {
    const run = runScript(tool);
    try {
      assert.equal(run.r.status, 3, run.r.stderr);
      const args = run.read(`${tool}.args`).split('\n');
      const after = (flag: string, value: string) => args.some((a, i) => a === flag && args[i + 1] === value);
      assert.ok(after('-e', 'kprobes:mn_start'));
      assert.ok(after('-e', 'kprobes:dmirror_inval'));
      assert.ok(after(tool === 'perf' ? '--filter' : '-f', 'comm == "workload.sh"'));
      if (tool === 'trace-cmd') {
        assert.ok(after('kprobes:mn_start', '-R') && args[args.indexOf('kprobes:mn_start') + 2] === 'stacktrace');
        assert.ok(after('-e', 'migrate'));
        assert.ok(after('-C', 'mono'));
        assert.ok(args.includes('report'));
      } else {
        assert.ok(after('-e', 'migrate:*'));
        assert.ok(after('-k', 'CLOCK_MONOTONIC'));
        assert.ok(args.includes('-g'), 'stacks as callchains');
        assert.ok(args.includes('script'));
      }
      assert.ok(existsSync(join(run.root, 'during')), 'the workload ran under the recorder');
      assert.equal(run.read('out.txt').trim(), `${tool} text output`);
    } finally {
      run.cleanup();
    }
  });
}

test('Ctrl-C during the workload still saves the trace and restores tracefs', { skip: !isRoot && 'needs root' }, () => {
  const run = runScript('tracefs', { interrupt: true });
  try {
    assert.equal(run.r.status, 3, run.r.stderr);
    assert.match(run.r.stderr, /interrupted: saving what was recorded until then/);
    assert.equal(run.read('out.txt').trim(), EVENT_LINE.trim());
    assert.equal(run.read('tracing/tracing_on').trim(), '0');
    assert.match(run.read('tracing/dynamic_events'), /^-:kprobes\/mn_start$/m);
  } finally {
    run.cleanup();
  }
});
