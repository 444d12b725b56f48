/**
 * Issue 8's proof that the binary path is a drop-in: `analyze` on a capture's trace.dat finds exactly what it
 * finds on the same capture's `trace-cmd report` text: same rules, severities, pages, address spaces, tasks,
 * time windows (to the microsecond the text has) and evidence lines (the text has one `cpus=N` line more).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile, summarize } from '../../../src/core/analyze';
import type { Finding } from '../../../src/core/detect/types';
import { fixture } from '../helpers';

const CASES = [
  ['k6.1', 'exclusive-tracecmd'],
  ['k6.1', 'fork-tracecmd'],
  ['k6.1', 'mprotect-tracecmd'],
  ['k6.1', 'pinned-tracecmd'],
  ['k6.12', 'migrate_fault-tracecmd-k6.12'],
] as const;

const us = (ns: number): number => Math.round(ns / 1000);

function shape(f: Finding, lineShift: number): unknown {
  return {
    rule: f.rule, severity: f.severity, title: f.title, as: f.as, pages: f.pages, pid: f.pid, comm: f.comm,
    fromUs: us(f.fromTs), toUs: us(f.toTs), lines: f.lines.map((l) => l + lineShift), events: f.eventIds.length,
  };
}

for (const [k, name] of CASES) {
  test(`${name}: analyze finds the same on the .dat as on its trace-cmd report text`, async () => {
    const dat = await analyzeFile(fixture('traces', k, `${name}.dat`));
    const txt = await analyzeFile(fixture('traces', k, `${name}.txt`));
    assert.equal(dat.format, 'trace-dat');
    assert.equal(txt.format, 'trace-cmd-report');
    assert.deepEqual(dat.findings.map((f) => shape(f, 1)), txt.findings.map((f) => shape(f, 0)));
    assert.deepEqual(dat.missingEvidence, txt.missingEvidence);
    const a = summarize(dat);
    const b = summarize(txt);
    assert.deepEqual(
      { pages: a.pages, migrations: a.migrations, invalidations: a.invalidations, findings: a.findings, events: a.events },
      { pages: b.pages, migrations: b.migrations, invalidations: b.invalidations, findings: b.findings, events: b.events },
    );
  });
}
