import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../../../src/core/model';
import { fixture } from '../helpers';

/**
 * The same real capture twice, the second run of the test program with other pids (as a long capture of
 * several runs looks). Both runs print the same `mm=` pointers: the first process's mm_struct was freed at its
 * exit and the slab handed the same address to the next process. Plain ftrace has no tgid column, so the model
 * groups a process's tasks by mm pointer; a pointer seen again after every task that named it exited must start
 * a new address space, not merge the second run into the first.
 */
function twoRuns(capture: string): string {
  const text = readFileSync(fixture('traces', 'k6.1', capture), 'utf8');
  const lines = text.split('\n');
  const header = lines.filter((l) => l.startsWith('#'));
  const body = lines.filter((l) => l !== '' && !l.startsWith('#'));
  const stamp = (l: string) => /\s(\d+\.\d{6}): /.exec(l);
  const last = Number(stamp(body.filter((l) => stamp(l)).at(-1)!)![1]);
  const first = Number(stamp(body.find((l) => stamp(l))!)![1]);
  const later = body.map((l) => {
    const m = stamp(l);
    if (!m) return l;
    const ts = (Number(m[1]) - first + last + 1).toFixed(6);
    // test-program pids (>= 100) become pid + 1000, in the task column and in pid fields
    return l
      .replace(/-(\d+)(\s+\[)/, (_a, p: string, rest: string) => `-${Number(p) >= 100 ? Number(p) + 1000 : p}${rest}`)
      .replace(/\b((?:child_)?pid)=(\d+)/g, (_a, k: string, p: string) => `${k}=${Number(p) >= 100 ? Number(p) + 1000 : p}`)
      .replace(m[0], ` ${ts.padStart(m[1].length)}: `);
  });
  return [...header, ...body, ...later, ''].join('\n');
}

for (const capture of ['double_migrate-ftrace.txt', 'pinned-ftrace.txt']) {
  test(`${capture} run twice: the second run's pages are its own although its mm pointers repeat`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmm-mm-reuse-'));
    const once = join(dir, 'once.trace');
    const twice = join(dir, 'twice.trace');
    writeFileSync(once, readFileSync(fixture('traces', 'k6.1', capture)));
    writeFileSync(twice, twoRuns(capture));
    const one = (await buildModel(once, { discoverProbes: false })).model;
    const two = (await buildModel(twice, { discoverProbes: false })).model;
    // the premise: the second run names mm pointers the first one already named
    const mms = (t: string) => new Set(t.match(/ mm=0x[0-9a-f]+/g) ?? []);
    assert.ok(mms(readFileSync(once, 'utf8')).size > 0);
    assert.equal(two.pages().length, 2 * one.pages().length);
    assert.equal(two.pageCount, two.pages().length);
    // a page's event count (counted) is the length of its timeline's event list (made)
    for (const p of two.pages()) assert.equal(p.events, two.timeline(p.as, p.vpn)!.events.length, p.page);
    assert.equal(two.migrations.length, 2 * one.migrations.length);
    // the test program's address spaces double; the shell that starts it (pid < 100) is the same in both runs
    const programs = (m: typeof one) => m.addressSpaces().filter((a) => typeof a.as === 'number' && a.as >= 100).length;
    assert.ok(programs(one) > 0);
    assert.equal(programs(two), 2 * programs(one));
    // each page's state sequence is the same in both runs
    const seqs = (m: typeof one) => m.pages().map((p) => `${p.page} ${p.states.join(',')}`).sort();
    const a = seqs(one);
    assert.deepEqual(seqs(two), [...a, ...a].sort());
  });
}

test('a task that execs names a new mm and stops keeping the old one alive: a later process given the old address is its own', async () => {
  const mn = (comm: string, pid: number, ts: string, mm: string) =>
    `${comm.padStart(16)}-${pid}     [000] .....  ${ts}: mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) start=0x7f0000000000 end=0x7f0000001000 flags=1 event=0 owner=0x0 mm=${mm}`;
  const text = [
    '# tracer: nop',
    mn('sh', 200, '10.000001', '0xff11000001000000'),
    // pid 200 execs: its invalidations now name another mm; the first one is freed
    mn('prog', 200, '10.000002', '0xff11000002000000'),
    // pid 201 (a thread of the new image) shares the new mm: one address space with 200
    mn('prog', 201, '10.000003', '0xff11000002000000'),
    // a new process is handed the old mm's address
    mn('other', 300, '10.000004', '0xff11000001000000'),
    '',
  ].join('\n');
  const file = join(mkdtempSync(join(tmpdir(), 'hmm-mm-exec-')), 'exec.trace');
  writeFileSync(file, text);
  const { model } = await buildModel(file, { discoverProbes: false });
  const spaces = model.addressSpaces().map((a) => [a.as, a.pids]);
  assert.deepEqual(spaces, [
    [200, [200, 201]],
    [300, [300]],
  ]);
});
