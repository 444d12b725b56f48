/**
 * The read-only custom editor that shows the analysis of a trace file. The document is just the file's
 * URI: the trace is streamed from disk by the core (in the analysis worker), never loaded into a
 * TextDocument. Several editors on one trace share the service's cached analysis.
 */

import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { webviewHtml, webviewOptions } from './html';
import { traceName, WebviewSession, type SessionActions } from './session';

class TraceDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class AnalysisEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  /** Text traces: offered with "Reopen Editor With…" (the text editor stays the default). */
  static readonly viewType = 'hmmTrace.analysis';
  /** trace.dat: binary, so the analysis is the default editor. Same provider, second registration. */
  static readonly datViewType = 'hmmTrace.datAnalysis';
  static readonly viewTypes: readonly string[] = [AnalysisEditorProvider.viewType, AnalysisEditorProvider.datViewType];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly services: ExtensionServices,
    private readonly actions: SessionActions,
  ) {}

  openCustomDocument(uri: vscode.Uri): TraceDocument {
    return new TraceDocument(uri);
  }

  resolveCustomEditor(document: TraceDocument, panel: vscode.WebviewPanel): void {
    const extensionUri = this.context.extensionUri;
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'analysis', `HMM Trace: ${traceName(document.uri)}`);
    const session = new WebviewSession(panel.webview, document.uri, this.services, this.actions);
    panel.onDidDispose(() => session.dispose());
  }
}
