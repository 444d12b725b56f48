/** Status bar: format, event count and findings count of the active trace; a click focuses the Findings view. */

import * as vscode from 'vscode';
import type { TraceStates } from './traceState';

export class TraceStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hmmTrace.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly states: TraceStates) {
    this.item.name = 'HMM Trace';
    this.item.command = 'hmmTrace.findings.focus';
    this.disposables.push(states.onDidChange(() => this.update()), states.onDidChangeActive(() => this.update()));
    this.update();
  }

  update(): void {
    const st = this.states.active;
    if (!st) {
      this.item.hide();
      return;
    }
    const s = st.analysis.summary;
    const active = st.analysis.data.findings.filter((f) => !st.expected.has(f.key));
    const count = active.length;
    const icon = s.findings.error > 0 ? '$(error)' : count > 0 ? '$(warning)' : '$(pass)';
    this.item.text = `${icon} ${s.format} · ${s.events.toLocaleString('en-US')} events · ${count} finding${count === 1 ? '' : 's'}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**HMM Trace** — ${s.formatDetail.replace(/[\\`*_[\]<>]/g, '')}\n\n`);
    md.appendMarkdown(`${s.lines.toLocaleString('en-US')} lines, ${s.unparsed} unparsed, ${s.lostEvents} lost events\n\n`);
    md.appendMarkdown(`${s.pages} pages in ${s.addressSpaces} address spaces, ${s.migrations.count} migrations\n\n`);
    md.appendMarkdown(`findings: ${s.findings.error} errors, ${s.findings.warning} warnings, ${s.findings.info} info`);
    if (st.expected.size > 0) md.appendMarkdown(` (${st.analysis.data.findings.length - count} marked expected)`);
    md.appendMarkdown('\n\nClick to show the Findings view.');
    this.item.tooltip = md;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
