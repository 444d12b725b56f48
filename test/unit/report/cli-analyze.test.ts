import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, fixture } from '../helpers';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath(), 'analyze', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const DOUBLE = fixture('traces', 'k6.1', 'double_migrate-ftrace.txt');
const EXCLUSIVE = fixture('traces', 'k6.1', 'exclusive-ftrace.txt');

test('analyze: human output has the summary and the findings grouped by rule with their lines', () => {
  const r = cli(DOUBLE);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /format +ftrace: ftrace text/);
  assert.match(r.out, /migrations +4: 32 pages requested/);
  assert.match(r.out, /invalidations +CLEAR 8, MIGRATE 4, UNMAP 2/);
  assert.match(r.out, /invalidation\/no-op-migration \(1\)/);
  assert.match(r.out, / {8}158: hmmtrace-130 .* mn_start: /);
});

test('analyze --fail-on: exit 1 when a finding at or above the level exists, 0 otherwise', () => {
  // double_migrate has one info finding only; exclusive has warnings
  assert.equal(cli(DOUBLE, '--fail-on', 'warning').code, 0);
  assert.equal(cli(DOUBLE, '--fail-on', 'info').code, 1);
  assert.equal(cli(EXCLUSIVE, '--fail-on', 'warning').code, 1);
  assert.equal(cli(EXCLUSIVE, '--fail-on', 'error').code, 0);
  assert.equal(cli(EXCLUSIVE).code, 0, 'no --fail-on: findings do not fail the run');
});

test('analyze: usage and input errors exit 2 with a clear message', () => {
  const bad = cli(DOUBLE, '--fail-on', 'fatal');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--fail-on must be one of error, warning, info/);
  const thr = cli(DOUBLE, '--threshold', 'refcount/long-migration-window.window=3');
  assert.equal(thr.code, 2);
  assert.match(thr.err, /has no threshold 'window' \(has: windowMs\)/);
  const missing = cli('/nonexistent/trace.txt');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read .*no such file/);
  const dir = mkdtempSync(join(tmpdir(), 'hmm-analyze-'));
  const notTrace = join(dir, 'notes.txt');
  writeFileSync(notTrace, 'hello\nworld\n');
  const nt = cli(notTrace);
  assert.equal(nt.code, 2);
  assert.match(nt.err, /notes\.txt/);
});

test('analyze --json prints exactly one object; --sarif and --markdown write their files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-analyze-'));
  const sarif = join(dir, 'out.sarif');
  const md = join(dir, 'out.md');
  const r = cli(EXCLUSIVE, '--json', '--sarif', sarif, '--markdown', md, '--threshold', 'refcount/exclusive-conversion-failed.retries=1');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.format, 'ftrace');
  // retries=1: a single failed conversion is already an error
  assert.ok(j.findings.some((f: { rule: string; severity: string }) => f.rule === 'refcount/exclusive-conversion-failed' && f.severity === 'error'));
  const s = JSON.parse(readFileSync(sarif, 'utf8'));
  assert.equal(s.version, '2.1.0');
  assert.equal(s.runs[0].results.length, j.findings.length);
  assert.match(readFileSync(md, 'utf8'), /^# hmm-trace report: exclusive-ftrace\.txt/);
});
