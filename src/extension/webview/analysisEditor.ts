/**
 * The read-only custom editor that shows the analysis of a trace file. The document is just the file's
 * URI: the trace is streamed from disk by the core, never loaded into a TextDocument.
 */

import * as vscode from 'vscode';

class TraceDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class AnalysisEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  static readonly viewType = 'hmmTrace.analysis';

  constructor(private readonly context: vscode.ExtensionContext) {}

  openCustomDocument(uri: vscode.Uri): TraceDocument {
    return new TraceDocument(uri);
  }

  resolveCustomEditor(document: TraceDocument, panel: vscode.WebviewPanel): void {
    const webviewRoot = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot, media] };
    panel.webview.html = this.html(panel.webview, document.uri, webviewRoot);
  }

  private html(webview: vscode.Webview, uri: vscode.Uri, root: vscode.Uri): string {
    const nonce = makeNonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'analysis.js'));
    const name = escapeHtml(uri.path.split('/').pop() ?? uri.path);
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; font-src ${webview.cspSource}; img-src ${webview.cspSource} data:; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>HMM Trace Analysis</title></head>
<body><h1 id="title">HMM Trace: ${name}</h1><div id="app"></div>
<script nonce="${nonce}" src="${script}"></script></body></html>`;
  }
}

function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(Math.random() * chars.length));
  return s;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
