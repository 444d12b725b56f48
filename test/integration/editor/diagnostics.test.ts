/**
 * Opening real captures yields the expected diagnostics: codes (rule ids) on the evidence lines the core
 * reports, most severe first, and on the kernel lines that prove them (checked against the line text).
 */

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { analyzeFile } from '../../../src/core/analyze';
import { planDiagnostics } from '../../../src/extension/pure/findingsPlan';
import { api, capture, openAnalysed, until } from './util';

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

async function diagnosticsOf(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  await openAnalysed(uri);
  return until('diagnostics', () => {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'hmm-trace');
    return d.length > 0 ? d : undefined;
  });
}

function lineText(uri: vscode.Uri, line0: number): string {
  return readFileSync(uri.fsPath, 'utf8').split('\n')[line0];
}

describe('editor: diagnostics on real captures', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  const CASES: [string, string, (text: string) => boolean][] = [
    ['k6.1/mprotect-ftrace.txt', 'invalidation/permission-upgrade', (t) => /mn_start: .* event=2 /.test(t)],
    ['k6.1/exclusive-tracecmd.txt', 'invalidation/split-clear', (t) => /mn_start: .*start=0x[0-9a-f]+00000 end=0x[0-9a-f]+00000 .*event=1 owner=0x0/.test(t)],
    ['k6.1/thp_migrate-ftracestack.txt', 'invalidation/self-during-migration', (t) => /event=1 /.test(t)],
    ['k6.1/double_migrate-ftrace.txt', 'invalidation/no-op-migration', (t) => /event=6 /.test(t)],
    ['k6.1/pinned-perf.txt', 'refcount/fault-livelock', (t) => /devmem_fault/.test(t)],
  ];

  for (const [name, rule, proves] of CASES) {
    it(`${name}: ${rule} on the line that proves it, with the core's codes and lines`, async () => {
      const uri = capture(...name.split('/'));
      const diags = await diagnosticsOf(uri);
      const ours = diags.filter((d) => codeOf(d) === rule);
      assert.ok(ours.length > 0, `no ${rule} among ${diags.map(codeOf).join(', ')}`);
      for (const d of ours) assert.ok(proves(lineText(uri, d.range.start.line)), `line ${d.range.start.line + 1} does not prove ${rule}: ${lineText(uri, d.range.start.line)}`);
      // the same codes on the same lines, in the same order, as the core's findings planned by severity
      const analysis = await analyzeFile(uri.fsPath);
      const max = vscode.workspace.getConfiguration('hmmTrace').get<number>('maxDiagnostics', 200);
      const plan = planDiagnostics(analysis.findings, new Set(), max);
      assert.deepEqual(
        diags.filter((d) => d.severity !== vscode.DiagnosticSeverity.Hint).map((d) => `${codeOf(d)}@${d.range.start.line + 1}`),
        plan.diagnostics.map((p) => `${p.finding.rule}@${p.line}`),
      );
      // severities never increase down the list
      const ranks = diags.map((d) => d.severity);
      assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    });
  }

  // every real text capture: the Problems panel shows exactly the core's findings (codes, lines, order)
  const ALL = ['k6.1', 'k6.12'].flatMap((dir) =>
    readdirSync(capture(dir).fsPath)
      .filter((n) => n.endsWith('.txt') && !n.startsWith('_'))
      .map((n) => [dir, n] as const),
  );
  for (const [dir, name] of ALL) {
    it(`${dir}/${name}: diagnostics equal the core's findings (codes, lines, most severe first)`, async function () {
      this.timeout(120000);
      const uri = capture(dir, name);
      const { state } = await openAnalysed(uri);
      const analysis = await analyzeFile(uri.fsPath);
      const plan = planDiagnostics(analysis.findings, new Set(), vscode.workspace.getConfiguration('hmmTrace').get<number>('maxDiagnostics', 200));
      const got = vscode.languages
        .getDiagnostics(uri)
        .filter((d) => d.source === 'hmm-trace' && d.severity !== vscode.DiagnosticSeverity.Hint)
        .map((d) => `${codeOf(d)}@${d.range.start.line + 1}`);
      assert.deepEqual(got, plan.diagnostics.map((p) => `${p.finding.rule}@${p.line}`));
      assert.equal(state.analysis.summary.events, analysis.ingest.events);
    });
  }

  it('a diagnostic links its rule documentation and points at the other evidence lines', async () => {
    const uri = capture('k6.1', 'exclusive-tracecmd.txt');
    const diags = await diagnosticsOf(uri);
    const d = diags.find((x) => codeOf(x) === 'invalidation/split-clear');
    assert.ok(d && typeof d.code === 'object');
    assert.match(d.code.target.toString(true), /docs\/rules\.md#invalidation(\/|%2F)split-clear$/);
    assert.ok((d.relatedInformation ?? []).length > 0);
    for (const r of d.relatedInformation ?? []) assert.equal(r.location.uri.fsPath, uri.fsPath);
  });

  it('hmmTrace.maxDiagnostics caps the Problems panel and says how many more there are', async () => {
    const config = vscode.workspace.getConfiguration('hmmTrace');
    await config.update('maxDiagnostics', 2, vscode.ConfigurationTarget.Global);
    try {
      const uri = capture('k6.1', 'pinned-perf.txt');
      await openAnalysed(uri);
      const diags = await until('capped diagnostics', () => {
        const d = vscode.languages.getDiagnostics(uri);
        return d.length === 3 ? d : undefined;
      });
      assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
      assert.equal(diags[2].severity, vscode.DiagnosticSeverity.Hint);
      assert.match(diags[2].message, /more findings? not shown here/);
    } finally {
      await config.update('maxDiagnostics', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a capture without findings has no diagnostics, and the Findings data is still there', async () => {
    const a = await api();
    const uri = capture('k6.1', 'migrate_fault-ftrace.txt');
    const { state } = await openAnalysed(uri);
    assert.equal(state.analysis.summary.format, 'ftrace');
    assert.ok(state.analysis.data.markers.length > 10);
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hmm-trace').length, state.analysis.data.findings.length);
    assert.ok(a.states.get(uri));
  });
});
