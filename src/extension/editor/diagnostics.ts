/**
 * Findings as diagnostics in the Problems panel: on the most telling evidence line, rule id as the code
 * linking to the rule's documentation, related information on the other evidence lines, capped by
 * `hmmTrace.maxDiagnostics`, most severe first; findings the user marked expected are left out.
 */

import * as vscode from 'vscode';
import type { Severity } from '../../core/detect/types';
import { planDiagnostics } from '../pure/findingsPlan';
import { ruleDocUri } from '../pure/ruleDocs';
import { editorSettings } from '../settings';
import type { TraceStates } from './traceState';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class FindingDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('hmm-trace');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly states: TraceStates, onDidOpenTrace: vscode.Event<vscode.Uri>) {
    this.disposables.push(
      // like a linter: problems of a closed trace leave the Problems panel, and come back when it reopens
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      onDidOpenTrace((uri) => this.update(uri)),
      states.onDidChange((uri) => this.update(uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('hmmTrace.maxDiagnostics')) for (const [uri] of this.collection) this.update(uri);
      }),
    );
  }

  update(uri: vscode.Uri): void {
    const st = this.states.get(uri);
    if (!st) {
      this.collection.delete(uri);
      return;
    }
    const plan = planDiagnostics(st.analysis.data.findings, st.expected, editorSettings(uri).maxDiagnostics);
    const lineRange = (line: number): vscode.Range => new vscode.Range(line - 1, 0, line - 1, Number.MAX_SAFE_INTEGER);
    const diags = plan.diagnostics.map(({ finding: f, line, related }) => {
      const d = new vscode.Diagnostic(lineRange(line), `${f.title}: ${f.message}`, SEVERITY[f.severity]);
      d.source = 'hmm-trace';
      d.code = { value: f.rule, target: vscode.Uri.parse(ruleDocUri(f.rule)) };
      d.relatedInformation = related.map((l) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, lineRange(l)), `evidence of ${f.rule}`));
      return d;
    });
    if (plan.omitted > 0 && diags.length > 0) {
      // say that the list is capped, on the line of the last one shown, rather than silently dropping
      const last = plan.diagnostics[plan.diagnostics.length - 1];
      const d = new vscode.Diagnostic(
        lineRange(last.line),
        `${plan.omitted} more finding${plan.omitted === 1 ? '' : 's'} not shown here (hmmTrace.maxDiagnostics = ${diags.length}); all are in the HMM Trace Findings view.`,
        vscode.DiagnosticSeverity.Hint,
      );
      d.source = 'hmm-trace';
      diags.push(d);
    }
    this.collection.set(uri, diags);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
