/**
 * The Pages tree: address spaces, then their pages (state icon = final state, description = the states it
 * went through), fetched from the worker 500 at a time. Click → the page timeline. Pages named by findings
 * that carry a note show the note.
 */

import * as vscode from 'vscode';
import type { AddressSpace, AddressSpaceSummary, PageState, PageSummary } from '../../core/model/types';
import type { NoteRecord } from '../../core/notes/types';
import type { TraceState, TraceStates } from '../editor/traceState';
import { asLabel } from '../pure/format';

const PAGE_BATCH = 500;

export type PagesNode =
  | { type: 'as'; summary: AddressSpaceSummary }
  | { type: 'page'; page: PageSummary }
  | { type: 'more'; as: AddressSpace; offset: number; total: number };

const STATE_ICON: Record<PageState, [string, string | undefined]> = {
  unknown: ['circle-outline', undefined],
  system: ['circle-filled', 'charts.blue'],
  'migrating-to-device': ['arrow-circle-right', 'charts.orange'],
  'device-private': ['circuit-board', 'charts.purple'],
  'migrating-to-system': ['arrow-circle-left', 'charts.orange'],
  'device-exclusive': ['lock', 'charts.red'],
  unmapped: ['circle-slash', 'disabledForeground'],
};

export class PagesTreeProvider implements vscode.TreeDataProvider<PagesNode> {
  private readonly emitter = new vscode.EventEmitter<PagesNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Pages loaded so far per address space (grows with "Load more"). */
  private loaded = new Map<string, number>();

  constructor(private readonly states: TraceStates) {
    states.onDidChange(() => this.reset());
    states.onDidChangeActive(() => this.reset());
  }

  private reset(): void {
    this.loaded = new Map();
    this.emitter.fire(undefined);
  }

  loadMore(as: AddressSpace): void {
    const k = String(as);
    this.loaded.set(k, (this.loaded.get(k) ?? PAGE_BATCH) + PAGE_BATCH);
    this.emitter.fire(undefined);
  }

  async getChildren(node?: PagesNode): Promise<PagesNode[]> {
    const st = this.states.active;
    if (!st) return [];
    if (!node) {
      const spaces = await st.analysis.queries.addressSpaces();
      return spaces.filter((s) => s.pages > 0).sort((a, b) => b.pages - a.pages).map((summary) => ({ type: 'as', summary }));
    }
    if (node.type !== 'as') return [];
    const limit = this.loaded.get(String(node.summary.as)) ?? PAGE_BATCH;
    const r = await st.analysis.queries.pages({ as: node.summary.as, offset: 0, limit });
    const out: PagesNode[] = r.pages.map((page) => ({ type: 'page', page }));
    if (r.total > r.pages.length) out.push({ type: 'more', as: node.summary.as, offset: r.pages.length, total: r.total });
    return out;
  }

  getTreeItem(node: PagesNode): vscode.TreeItem {
    const st = this.states.active;
    switch (node.type) {
      case 'as': {
        const s = node.summary;
        const t = new vscode.TreeItem(`${asLabel(s.as)} ${s.comms.slice(0, 3).join(', ')}`, vscode.TreeItemCollapsibleState.Collapsed);
        t.description = `${s.pages} pages · ${s.migrations} migrations · ${s.invalidations} invalidations${s.forkedFrom !== undefined ? ` · forked from ${asLabel(s.forkedFrom)}` : ''}`;
        t.iconPath = new vscode.ThemeIcon('symbol-namespace');
        return t;
      }
      case 'page': {
        const p = node.page;
        const t = new vscode.TreeItem(p.page, vscode.TreeItemCollapsibleState.None);
        const notes = st ? notesOfPage(st, p.page) : [];
        t.description = `${p.states.join(' → ')} · ${p.events} events${notes.length ? ` · 📝 ${notes[0].body.slice(0, 50)}` : ''}`;
        const [icon, color] = STATE_ICON[p.final] ?? STATE_ICON.unknown;
        t.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        t.tooltip = `${p.page} in ${asLabel(p.as)}: final state ${p.final}${notes.map((n) => `\nNote: ${n.body}`).join('')}`;
        if (st) t.command = { command: 'hmmTrace.showPageTimeline', title: 'Show page timeline', arguments: [st.uri.toString(), p.as, [p.vpn]] };
        return t;
      }
      case 'more': {
        const t = new vscode.TreeItem(`Load more… (${node.offset} of ${node.total} shown)`, vscode.TreeItemCollapsibleState.None);
        t.command = { command: 'hmmTrace.pages.loadMore', title: 'Load more', arguments: [node.as] };
        t.iconPath = new vscode.ThemeIcon('ellipsis');
        return t;
      }
    }
  }
}

function notesOfPage(st: TraceState, page: string): NoteRecord[] {
  const keys = new Set(st.analysis.data.findings.filter((f) => f.pages.includes(page)).map((f) => f.key));
  if (keys.size === 0) return [];
  const lines = new Set(st.analysis.data.findings.filter((f) => keys.has(f.key)).flatMap((f) => f.lines));
  return st.notes.filter((n) => (n.findingKey && keys.has(n.findingKey)) || lines.has(n.line));
}
