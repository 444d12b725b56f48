import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRules } from '../../../src/core/detect/rules';
import { BASE, FakeModel, PAGE } from './fakeModel';

test('exclusive-conversion-failed: GUP returned 4 pages but none was converted (THP tail pages)', () => {
  const m = new FakeModel();
  m.ev({ kind: 'exclusive-make', ts: 10, start: BASE, end: BASE + 4 * PAGE, func: 'make_device_exclusive_range' });
  m.ev({ kind: 'exclusive-one', ts: 1, addr: 0x1000 }); // elsewhere: proves the per-page probe was on
  m.ev({ kind: 'exclusive-make-ret', ts: 20, ret: 4 });
  const r = runRules(m, { only: ['refcount/exclusive-conversion-failed'] });
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /converted 0 of 4 page\(s\) \(GUP returned 4\)/);
  assert.equal(r.findings[0].severity, 'warning');
});

test('exclusive-conversion-failed: every page converted is quiet; a retried failing range is an error', () => {
  const m = new FakeModel();
  m.ev({ kind: 'exclusive-make', ts: 10, start: BASE, end: BASE + 2 * PAGE });
  m.ev({ kind: 'exclusive-one', ts: 11, addr: BASE });
  m.ev({ kind: 'exclusive-one', ts: 12, addr: BASE + PAGE });
  m.ev({ kind: 'exclusive-make-ret', ts: 13, ret: 2 });
  assert.equal(runRules(m, { only: ['refcount/exclusive-conversion-failed'] }).findings.length, 0);
  for (const t of [100, 200]) {
    m.ev({ kind: 'exclusive-make', ts: t, start: BASE + 8 * PAGE, end: BASE + 9 * PAGE });
    m.ev({ kind: 'exclusive-make-ret', ts: t + 1, ret: 1 });
  }
  const r = runRules(m, { only: ['refcount/exclusive-conversion-failed'] });
  assert.equal(r.findings.length, 2);
  assert.ok(r.findings.every((f) => f.severity === 'error'));
});

test('exclusive-conversion-failed: without per-page probes or invalidations it asks for them', () => {
  const m = new FakeModel();
  m.ev({ kind: 'exclusive-make', ts: 10, start: BASE, end: BASE + 2 * PAGE });
  const r = runRules(m, { only: ['refcount/exclusive-conversion-failed'] });
  assert.equal(r.findings.length, 0);
  assert.match(r.missingEvidence[0].probes.join('\n'), /page_make_device_exclusive_one/);
});

test('exclusive-ping-pong: three device-exclusive → CPU restore round trips on one page', () => {
  const m = new FakeModel();
  for (let i = 0; i < 3; i++) {
    m.ev({ kind: 'exclusive-one', ts: 100 + i * 20, addr: BASE });
    m.ev({ kind: 'exclusive-restore', ts: 110 + i * 20, addr: BASE, pid: 200 });
  }
  m.ev({ kind: 'exclusive-one', ts: 1000, addr: BASE + PAGE });
  m.ev({ kind: 'exclusive-restore', ts: 1010, addr: BASE + PAGE });
  const r = runRules(m, { only: ['invalidation/exclusive-ping-pong'] });
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /0x7f9adac4a000: 3 device-exclusive → CPU-restored round trips/);
});
