/**
 * CodeLens above migration and invalidation events: `Page timeline (8 pages)` opens the page timeline on
 * the range's pages, `3 findings` lists the findings whose evidence includes the line.
 */

import * as vscode from 'vscode';
import { pageCount, plural } from '../pure/format';
import { editorSettings } from '../settings';
import type { TraceStates } from './traceState';

const MAX_LENSES = 20000;
/** Pages a lens hands to the timeline command with the range; the command prefers the range's pages with events. */
const MAX_TIMELINE_PAGES = 64;

export class TraceCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly states: TraceStates) {
    this.subscriptions = [
      this.emitter,
      states.onDidChange(() => this.emitter.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hmmTrace.codeLens') && this.emitter.fire()),
    ];
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const st = this.states.get(doc.uri);
    if (!st || !editorSettings(doc.uri).codeLens) return [];
    const lenses: vscode.CodeLens[] = [];
    const ranges = new Map<number, { as: number | string; start: number; end: number }>();
    for (const m of st.analysis.data.migrations) if (m.line > 0) ranges.set(m.line, m);
    for (const r of st.analysis.data.invalidations) if (r.line > 0 && !ranges.has(r.line)) ranges.set(r.line, r);
    const lines = [...new Set([...ranges.keys(), ...st.index.findingsAt.keys()])].sort((a, b) => a - b);
    for (const line of lines) {
      if (line > doc.lineCount || lenses.length >= MAX_LENSES) break;
      const range = new vscode.Range(line - 1, 0, line - 1, 0);
      const r = ranges.get(line);
      if (r) {
        const n = pageCount(r.start, r.end);
        if (n > 0) {
          const first = Math.floor(r.start / 4096);
          const vpns = Array.from({ length: Math.min(n, MAX_TIMELINE_PAGES) }, (_, i) => first + i);
          lenses.push(
            new vscode.CodeLens(range, {
              title: `Page timeline (${plural(n, 'page')})`,
              tooltip: 'Opens the page timeline on the pages of this range that the trace has events for',
              command: 'hmmTrace.showPageTimeline',
              arguments: [doc.uri.toString(), r.as, vpns, { start: r.start, end: r.end }],
            }),
          );
        }
      }
      const findings = (st.index.findingsAt.get(line) ?? []).filter((f) => !st.expected.has(f.key));
      if (findings.length > 0) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: plural(findings.length, 'finding'),
            tooltip: findings.map((f) => `${f.rule}: ${f.title}`).join('\n'),
            command: 'hmmTrace.revealFinding',
            arguments: [doc.uri.toString(), findings.map((f) => f.key)],
          }),
        );
      }
    }
    return lenses;
  }
}
