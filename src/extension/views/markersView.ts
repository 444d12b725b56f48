/** The Markers tree: the trace's `tracing_mark_write` lines (what the test program wrote); click → the line. */

import * as vscode from 'vscode';
import type { Marker } from '../../core/model/types';
import { formatTs } from '../../core/ingest/types';
import type { TraceStates } from '../editor/traceState';

export class MarkersTreeProvider implements vscode.TreeDataProvider<Marker> {
  private readonly emitter = new vscode.EventEmitter<Marker | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly states: TraceStates) {
    states.onDidChange(() => this.emitter.fire(undefined));
    states.onDidChangeActive(() => this.emitter.fire(undefined));
  }

  getChildren(node?: Marker): Marker[] {
    if (node) return [];
    return this.states.active?.analysis.data.markers ?? [];
  }

  getTreeItem(m: Marker): vscode.TreeItem {
    const st = this.states.active;
    const t = new vscode.TreeItem(m.text.trim() || '(empty marker)', vscode.TreeItemCollapsibleState.None);
    const note = st?.notes.find((n) => n.line === m.line);
    t.description = `${formatTs(m.ts)} · line ${m.line}${note ? ` · 📝 ${note.body.slice(0, 50)}` : ''}`;
    t.tooltip = `${m.text}\n\npid ${m.pid}, line ${m.line}`;
    t.iconPath = new vscode.ThemeIcon('bookmark');
    if (st) t.command = { command: 'hmmTrace.revealLine', title: 'Reveal line', arguments: [st.uri.toString(), m.line] };
    return t;
  }
}
