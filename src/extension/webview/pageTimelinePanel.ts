/**
 * The page-timeline panel: one panel beside the editor that shows the timeline of a page (or contiguous
 * pages) of a trace. Opened from the editor (CodeLens / command at cursor, via showPageTimeline) or from
 * the analysis view; optionally follows the editor selection: moving the cursor onto an event line shows
 * the pages that event touches. Restored after a reload by a WebviewPanelSerializer from the webview's
 * saved state (trace URI, address space, pages, follow flag).
 */

import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { AddressSpace } from '../../core/model/types';
import { LIMITS, type EventMap } from '../../protocol';
import { webviewHtml, webviewOptions } from './html';
import { pagesAtLine } from './pagesAtLine';
import { traceName, WebviewSession } from './session';

export const PAGE_TIMELINE_VIEW = 'hmmTrace.pageTimeline';

/** What the webview keeps with setState and the serializer gets back. */
export interface PageTimelineState {
  trace: string;
  as: AddressSpace;
  vpns: number[];
  follow: boolean;
}

function isState(s: unknown): s is PageTimelineState {
  if (typeof s !== 'object' || s === null) return false;
  const r = s as Partial<PageTimelineState>;
  return typeof r.trace === 'string' && (typeof r.as === 'number' || typeof r.as === 'string') && Array.isArray(r.vpns);
}

export class PageTimelinePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private session: WebviewSession | undefined;
  private shown: PageTimelineState | undefined;
  /** What the webview should show; it asks for it on load too (a message posted before its script ran is lost). */
  private lastShow: EventMap['showPages'] | null = null;
  private follow = false;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly services: ExtensionServices,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PAGE_TIMELINE_VIEW, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          // a panel closed before it ever showed a page has nothing to restore
          if (!isState(state) || this.panel) {
            panel.dispose();
            return;
          }
          const trace = vscode.Uri.parse(state.trace);
          this.follow = state.follow === true;
          this.adopt(panel, trace);
          await this.show(trace, state.as, state.vpns);
        },
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
    );
  }

  /** Opens or focuses the panel on these pages of a trace. */
  async show(trace: vscode.Uri, as: AddressSpace, vpns: number[], eventId?: number): Promise<void> {
    const pages = vpns.slice(0, LIMITS.maxTimelinePages);
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        PAGE_TIMELINE_VIEW,
        'Page timeline',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { ...webviewOptions(this.context.extensionUri), retainContextWhenHidden: false },
      );
      this.adopt(panel, trace);
    } else if (!this.panel.visible) {
      this.panel.reveal(undefined, true);
    }
    const session = this.session;
    if (!session) return;
    await session.retarget(trace).catch(() => undefined);
    this.shown = { trace: trace.toString(), as, vpns: pages, follow: this.follow };
    if (this.panel) this.panel.title = `Page timeline: ${pages.length === 1 ? `0x${(pages[0] * 4096).toString(16)}` : `${pages.length} pages`}`;
    this.lastShow = { trace: trace.toString(), traceName: traceName(trace), as, vpns: pages, eventId, follow: this.follow };
    session.post({ kind: 'event', name: 'showPages', payload: this.lastShow });
  }

  private adopt(panel: vscode.WebviewPanel, trace: vscode.Uri): void {
    this.panel = panel;
    panel.webview.options = webviewOptions(this.context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.context.extensionUri, 'pageTimeline', 'Page timeline');
    this.session = new WebviewSession(panel.webview, trace, this.services, {
      openPageTimeline: (t, as, vpns) => this.show(t, as, vpns),
      setFollow: (follow) => {
        this.follow = follow;
        if (this.shown) this.shown.follow = follow;
        if (this.lastShow) this.lastShow.follow = follow;
      },
      panelPages: () => this.lastShow,
    });
    panel.onDidDispose(() => {
      this.session?.dispose();
      this.session = undefined;
      this.panel = undefined;
      this.lastShow = null;
    });
  }

  /** Follow mode: the cursor on an event line shows the pages that event touches (debounced). */
  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.follow || !this.panel || !this.session) return;
    const uri = e.textEditor.document.uri;
    if (uri.toString() !== this.session.uri.toString()) return;
    const line = e.selections[0].active.line + 1;
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => void this.followLine(uri, line), 150);
  }

  private async followLine(uri: vscode.Uri, line: number): Promise<void> {
    const handle = this.services.analysis.peek(uri);
    if (!handle) return;
    const hit = await pagesAtLine(handle.queries, line);
    if (hit) await this.show(uri, hit.as, hit.vpns, hit.eventId);
  }

  dispose(): void {
    if (this.followTimer) clearTimeout(this.followTimer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
