/**
 * Timelines rebuilt from the real captures agree with what the test programs did (ground truth: the program
 * log in each capture's .md), on every text form that carries the fields and on trace.dat, on both kernels.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fixture } from '../helpers';
import { buildModel } from '../../../src/core/model';
import type { TraceModel } from '../../../src/core/model/types';
import { at, bufferOf, programLog, stateAt, statesAt, type LogLine } from './captureTruth';

const FORMS_61 = ['ftrace.txt', 'ftracestack.txt', 'tracecmd.txt', 'tracecmd.dat', 'perf.txt'];

function cases(scenario: string): { path: string; md: string; label: string }[] {
  const out: { path: string; md: string; label: string }[] = [];
  for (const form of FORMS_61) {
    const [kind, ext] = form.split('.');
    const path = fixture('traces', 'k6.1', `${scenario}-${kind}.${ext}`);
    if (existsSync(path)) out.push({ path, md: fixture('traces', 'k6.1', `${scenario}-${kind}.md`), label: `6.1 ${form}` });
    const p12 = fixture('traces', 'k6.12', `${scenario}-${kind}-k6.12.${ext}`);
    if (existsSync(p12)) out.push({ path: p12, md: fixture('traces', 'k6.12', `${scenario}-${kind}-k6.12.md`), label: `6.12 ${form}` });
  }
  return out;
}

async function load(path: string, md: string): Promise<{ model: TraceModel; log: LogLine[] }> {
  const { model } = await buildModel(path);
  return { model, log: programLog(md) };
}

const all = (n: number, s: string) => Array.from({ length: n }, () => s);

for (const c of cases('double_migrate')) {
  test(`double_migrate (${c.label}): device-private after the first migration, unchanged by the second, system after MIGRATE_TO_SYS, device-private again`, async () => {
    const { model, log } = await load(c.path, c.md);
    const as = log[0].pid;
    const buf = bufferOf(at(log, 'buffer addr='));
    const end1 = at(log, 'ioctl MIGRATE_TO_DEV end', 0).ts;
    const end2 = at(log, 'ioctl MIGRATE_TO_DEV end', 1).ts;
    const sys = at(log, 'ioctl MIGRATE_TO_SYS end').ts;
    const end3 = at(log, 'ioctl MIGRATE_TO_DEV end', 2).ts;
    assert.deepEqual(statesAt(model, as, buf.addr, buf.npages, end1), all(8, 'device-private'));
    assert.deepEqual(statesAt(model, as, buf.addr, buf.npages, end2), all(8, 'device-private'));
    assert.deepEqual(statesAt(model, as, buf.addr, buf.npages, sys), all(8, 'system'));
    assert.deepEqual(statesAt(model, as, buf.addr, buf.npages, end3), all(8, 'device-private'));
    const second = model.migrations.filter((m) => m.setupTs > end1 && m.setupTs < end2);
    assert.equal(second.length, 1);
    assert.equal(second[0].cpages, 0, 'the second migration collects nothing');
    assert.equal(second[0].direction, 'to-device');
  });
}

for (const c of cases('migrate_fault')) {
  test(`migrate_fault (${c.label}): pages 0 and 5 back in RAM after the CPU touches, the other 14 after MIGRATE_TO_SYS`, async () => {
    const { model, log } = await load(c.path, c.md);
    const as = log[0].pid;
    const buf = bufferOf(at(log, 'buffer addr='));
    const migrated = at(log, 'ioctl MIGRATE_TO_DEV end').ts;
    const read0 = at(log, '(page 0: device-private -> migrate_to_ram) end').ts;
    const write5 = at(log, '(page 5: device-private -> migrate_to_ram) end').ts;
    const sys = at(log, 'ioctl MIGRATE_TO_SYS end').ts;
    assert.deepEqual(statesAt(model, as, buf.addr, 16, migrated), all(16, 'device-private'));
    const afterTouch = statesAt(model, as, buf.addr, 16, write5);
    assert.equal(stateAt(model, as, buf.addr, read0), 'system');
    assert.equal(afterTouch[0], 'system');
    assert.equal(afterTouch[5], 'system');
    assert.deepEqual(afterTouch.filter((_, i) => i !== 0 && i !== 5), all(14, 'device-private'));
    assert.deepEqual(statesAt(model, as, buf.addr, 16, sys), all(16, 'system'));
    const toRam = model.migrations.filter((m) => m.trigger === 'migrate-to-ram');
    assert.equal(toRam.length, 2, 'two CPU faults migrate one page each');
    assert.ok(toRam.every((m) => m.npages === 1 && m.direction === 'to-system'));
    const back = model.migrations.find((m) => m.setupTs > write5 && m.setupTs < sys);
    assert.equal(back?.cpages, 14);
  });
}

for (const c of cases('pinned')) {
  test(`pinned (${c.label}): pages 2 and 5 stay in system RAM in the first migration, the other 6 become device-private`, async () => {
    const { model, log } = await load(c.path, c.md);
    const as = log[0].pid;
    const buf = bufferOf(at(log, 'part 1: buffer addr='));
    const first = at(log, 'ioctl MIGRATE_TO_DEV end', 0).ts;
    const retry = at(log, 'ioctl MIGRATE_TO_DEV end', 1).ts;
    const s = statesAt(model, as, buf.addr, 8, first);
    // perf script recorded no page_fault_user here, so nothing proves page 5 was ever in RAM: unknown, never device
    const faults = model.eventsInWindow(model.firstTs, model.lastTs, 1e6).some((e) => e.kind === 'cpu-fault');
    const stayed = faults ? 'system' : s[5] === 'unknown' ? 'unknown' : 'system';
    assert.deepEqual(s, ['device-private', 'device-private', 'system', 'device-private', 'device-private', stayed, 'device-private', 'device-private']);
    assert.deepEqual(statesAt(model, as, buf.addr, 8, retry), all(8, 'device-private'));
    const m = model.migrations.find((r) => r.setupTs < first && r.start === buf.addr);
    assert.equal(m?.cpages, 6);
    // page 2 (vmsplice reference) is restored by the refcount check inside setup; page 5 (FOLL_LONGTERM pin)
    // is never collected, so only one restore shows
    assert.ok((m?.restoredInSetup ?? 0) >= 1, 'a page restored by the refcount check inside migrate_vma_setup');
  });
}

for (const c of cases('exclusive')) {
  test(`exclusive (${c.label}): 8 pages device-exclusive, pages 3 and 4 restored by the CPU faults`, async () => {
    const { model, log } = await load(c.path, c.md);
    const as = log[0].pid;
    const buf = bufferOf(at(log, 'part 1: small pages, buffer addr='));
    const made = at(log, 'ioctl EXCLUSIVE end', 0).ts;
    const p3 = at(log, '(page 3 is device-exclusive -> CPU fault restores pte) end').ts;
    const p4 = at(log, '(page 4 is device-exclusive -> CPU fault restores pte) end').ts;
    assert.deepEqual(statesAt(model, as, buf.addr, 8, made), all(8, 'device-exclusive'));
    assert.equal(stateAt(model, as, buf.addr + 3 * 4096, p3), 'system');
    const after = statesAt(model, as, buf.addr, 8, p4);
    assert.deepEqual(after, ['device-exclusive', 'device-exclusive', 'device-exclusive', 'system', 'system', 'device-exclusive', 'device-exclusive', 'device-exclusive']);
    const excl = model.invalidations.filter((r) => r.event === 'EXCLUSIVE' && r.startTs < made && r.start >= buf.addr && r.end <= buf.addr + 8 * 4096);
    assert.equal(excl.length, 8);
    assert.ok(excl.every((r) => r.origin === 'make_device_exclusive'), excl.map((r) => r.origin).join(','));
  });
}

for (const c of cases('fork')) {
  test(`fork (${c.label}): the child's pages are separate from the parent's`, async () => {
    const { model, log } = await load(c.path, c.md);
    const parent = log[0].pid;
    const child = Number(/pid=(\d+)/.exec(at(log, 'child running').text)![1]);
    const buf = bufferOf(at(log, 'buffer addr='));
    const childRead = at(log, '(child: page 0 device-private (COW shared) -> migrate_to_ram in child mm) end').ts;
    const childExit = at(log, 'child exit').ts;
    const parentWrite2 = at(log, '(parent: page 2 device-private) end').ts;
    assert.notEqual(parent, child);
    const asChild = model.addressSpaces().find((a) => a.as === child);
    assert.ok(asChild, 'the child has its own address space');
    assert.equal(stateAt(model, child, buf.addr, childRead), 'system');
    assert.equal(stateAt(model, parent, buf.addr + 2 * 4096, childExit), 'device-private');
    assert.equal(stateAt(model, parent, buf.addr + 2 * 4096, parentWrite2), 'system');
    if (model.eventsInWindow(model.firstTs, model.lastTs, 1e6).some((e) => e.kind === 'process-fork' && e.fields['child_pid'] === String(child))) {
      // with the fork captured the child gets a copy of every page; it never touches page 2, so its copy
      // stays device-private while the parent's is migrated back
      assert.equal(asChild.forkedFrom, parent);
      assert.equal(stateAt(model, child, buf.addr + 2 * 4096, childExit), 'device-private');
      assert.equal(stateAt(model, child, buf.addr + 2 * 4096, parentWrite2), 'device-private');
    }
    assert.notEqual(model.timeline(parent, Math.floor(buf.addr / 4096))?.events.length, model.timeline(child, Math.floor(buf.addr / 4096))?.events.length);
  });
}

for (const c of cases('munmap')) {
  test(`munmap (${c.label}): pages are unmapped after the UNMAP`, async () => {
    const { model, log } = await load(c.path, c.md);
    const as = log[0].pid;
    const buf = bufferOf(at(log, 'buffer addr='));
    const first = at(log, 'munmap pages 6..9 done').ts;
    const second = at(log, 'munmap pages 0..5 done').ts;
    const s1 = statesAt(model, as, buf.addr, 8, first);
    assert.deepEqual(s1, [...all(6, 'device-private'), 'unmapped', 'unmapped']);
    assert.deepEqual(statesAt(model, as, buf.addr, 8, second), all(8, 'unmapped'));
    const unmap = model.invalidations.find((r) => r.event === 'UNMAP' && r.startTs < first && r.startTs > at(log, 'munmap(0x').ts);
    assert.ok(unmap, 'an UNMAP invalidation for the first munmap');
    assert.equal(unmap.start, buf.addr + 6 * 4096);
    assert.equal(unmap.origin === 'munmap' || unmap.origin === 'zap', true, unmap.origin);
  });
}

for (const c of cases('thp_migrate')) {
  test(`thp_migrate (${c.label}): the THP split inside collect is no refcount restore; the 16 pages become device-private`, async () => {
    const { model, log } = await load(c.path, c.md);
    const as = log[0].pid;
    const begin = at(log, 'ioctl MIGRATE_TO_DEV begin');
    const buf = bufferOf(begin);
    const end = at(log, 'ioctl MIGRATE_TO_DEV end').ts;
    assert.deepEqual(statesAt(model, as, buf.addr, buf.npages, end), all(buf.npages, 'device-private'));
    const m = model.migrations.find((r) => r.start === buf.addr && r.setupTs < end)!;
    assert.equal(m.cpages, 16);
    assert.equal(m.restoredInSetup, 0);
  });
}
