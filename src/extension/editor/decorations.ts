/**
 * Gutter marks and a short after-line text on suspicious invalidations and stalled migrations. Only the
 * visible ranges (plus a margin) are decorated, and again when the view scrolls, so a million-line trace
 * stays fluid.
 */

import * as vscode from 'vscode';
import type { Severity } from '../../core/detect/types';
import { visibleAnnotations } from '../pure/findingsPlan';
import { editorSettings } from '../settings';
import { isTraceDocument } from './traceDocuments';
import type { TraceStates } from './traceState';

const MARGIN = 200;

export class FindingDecorations implements vscode.Disposable {
  private readonly types: Record<Severity, { gutter: vscode.TextEditorDecorationType; text: vscode.TextEditorDecorationType }>;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly states: TraceStates,
    extensionUri: vscode.Uri,
  ) {
    // two types per severity: the gutter mark on the line's first row only (a wrapped line would repeat it),
    // and the after-line text anchored at the end of the line
    const make = (severity: Severity, color: string): { gutter: vscode.TextEditorDecorationType; text: vscode.TextEditorDecorationType } => ({
      gutter: vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', `gutter-${severity}.svg`),
        gutterIconSize: '70%',
        overviewRulerColor: new vscode.ThemeColor(color),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
      }),
      text: vscode.window.createTextEditorDecorationType({
        after: { color: new vscode.ThemeColor(color), margin: '0 0 0 2em', fontStyle: 'italic' },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    });
    this.types = {
      error: make('error', 'editorError.foreground'),
      warning: make('warning', 'editorWarning.foreground'),
      info: make('info', 'editorInfo.foreground'),
    };
    this.disposables.push(
      ...Object.values(this.types).flatMap((t) => [t.gutter, t.text]),
      states.onDidChange(() => this.schedule()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => isTraceDocument(e.textEditor.document) && this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hmmTrace.decorations') && this.schedule()),
    );
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.paint(), 50);
  }

  paint(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (!isTraceDocument(editor.document)) continue;
      const st = this.states.get(editor.document.uri);
      const on = editorSettings(editor.document.uri).decorations;
      const gutter: Record<Severity, vscode.Range[]> = { error: [], warning: [], info: [] };
      const text: Record<Severity, vscode.DecorationOptions[]> = { error: [], warning: [], info: [] };
      if (st && on) {
        const ranges = editor.visibleRanges.map((r) => ({ start: Math.max(1, r.start.line + 1 - MARGIN), end: r.end.line + 1 + MARGIN }));
        for (const a of visibleAnnotations(st.annotations, ranges)) {
          if (a.line > editor.document.lineCount) continue;
          const end = editor.document.lineAt(a.line - 1).range.end;
          gutter[a.severity].push(new vscode.Range(a.line - 1, 0, a.line - 1, 0));
          text[a.severity].push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: a.text } } });
        }
      }
      for (const s of Object.keys(gutter) as Severity[]) {
        editor.setDecorations(this.types[s].gutter, gutter[s]);
        editor.setDecorations(this.types[s].text, text[s]);
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
