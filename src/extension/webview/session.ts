/**
 * Binds one webview to one trace: waits for the analysis (worker-backed service), answers the webview's
 * requests through a RequestHandler, forwards note changes, and turns the webview's actions into editor
 * actions (reveal a line, open the page timeline).
 */

import * as vscode from 'vscode';
import type { ExtensionServices, Note } from '../services';
import type { AddressSpace } from '../../core/model/types';
import { isRequestMessage, type EventMap, type EventMessage, type NoteView, type ToWebview } from '../../protocol';
import { RequestHandler } from './requestHandler';

export interface SessionActions {
  openPageTimeline(trace: vscode.Uri, as: AddressSpace, vpns: number[]): Promise<void>;
  setFollow?(follow: boolean): void;
  panelPages?(): EventMap['showPages'] | null;
}

export function toNoteView(n: Note): NoteView {
  return {
    id: n.id,
    line: n.line,
    findingKey: n.findingKey,
    body: n.body,
    expected: n.expected,
    resolved: n.resolved,
    created: n.created,
    updated: n.updated,
  };
}

export function traceName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.path;
}

export class WebviewSession implements vscode.Disposable {
  private handler: Promise<RequestHandler>;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly webview: vscode.Webview,
    private trace: vscode.Uri,
    private readonly services: ExtensionServices,
    private readonly actions: SessionActions,
  ) {
    this.handler = this.connect(trace);
    this.disposables.push(webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    if (services.notes?.onDidChange) {
      this.disposables.push(
        services.notes.onDidChange((uri) => {
          if (uri.toString() === this.trace.toString()) void this.pushNotes();
        }),
      );
    }
  }

  get uri(): vscode.Uri {
    return this.trace;
  }

  /** Points the session at another trace (the page-timeline panel follows whichever trace asked). */
  retarget(trace: vscode.Uri): Promise<RequestHandler> {
    if (trace.toString() !== this.trace.toString()) {
      this.trace = trace;
      this.handler = this.connect(trace);
    }
    return this.handler;
  }

  ready(): Promise<RequestHandler> {
    return this.handler;
  }

  private connect(trace: vscode.Uri): Promise<RequestHandler> {
    const services = this.services;
    if (!services.analysis?.get) {
      return Promise.reject(new Error('HMM Trace: the analysis service is not available in this build.'));
    }
    const p = services.analysis.get(trace).then(
      (handle) =>
        new RequestHandler({
          traceName: traceName(trace),
          summary: handle.summary,
          queries: handle.queries,
          revealLine: (line) => services.navigation.revealLine(trace, line),
          openPageTimeline: (as, vpns) => this.actions.openPageTimeline(trace, as, vpns),
          listNotes: async () => (await services.notes.list(trace)).map(toNoteView),
          upsertNote: async (n) => toNoteView(await services.notes.upsert(trace, n)),
          removeNote: (id) => services.notes.remove(trace, id),
          setFollow: (follow) => this.actions.setFollow?.(follow),
          createRecipe: async (include) => {
            await vscode.commands.executeCommand('hmmTrace.createRecipe', { include });
          },
          panelPages: () => this.actions.panelPages?.() ?? null,
        }),
    );
    p.catch((err: unknown) => this.post({ kind: 'event', name: 'failed', payload: { message: err instanceof Error ? err.message : String(err) } }));
    return p;
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!isRequestMessage(m)) return;
    let handler: RequestHandler;
    try {
      handler = await this.handler;
    } catch (err) {
      this.post({ kind: 'response', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    const response = await handler.handle(m);
    if (response) this.post(response);
  }

  private async pushNotes(): Promise<void> {
    try {
      const notes = (await this.services.notes.list(this.trace)).map(toNoteView);
      this.post({ kind: 'event', name: 'notesChanged', payload: { notes } });
    } catch {
      // the sidecar is being rewritten or was removed; the next change event brings the new list
    }
  }

  post(message: ToWebview | EventMessage): void {
    if (!this.disposed) void this.webview.postMessage(message);
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
  }
}
