/**
 * The HTML shell of both webviews. Strict CSP: `default-src 'none'`, scripts only with a fresh nonce per
 * load, styles and fonts only from the extension's webview roots (no 'unsafe-inline': the webview code
 * sets sizes through CSSOM, which CSP does not govern, and never writes `style=` attributes or inline
 * handlers). Every resource goes through `asWebviewUri`; `localResourceRoots` is dist/webview + media.
 */

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: webviewRoots(extensionUri) };
}

/** A base64 nonce from 16 random bytes, new for every page load. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function escapeAttribute(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Builds the page for `entry` (`analysis` or `pageTimeline` → dist/webview/<entry>.entry.js, built from webview/<entry>.entry.ts). */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, entry: 'analysis' | 'pageTimeline', title: string): string {
  const nonce = makeNonce();
  const [root, media] = webviewRoots(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${entry}.entry.js`));
  const codicons = webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'webview.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${style}">
<title>${escapeAttribute(title)}</title></head>
<body><header class="title-bar"><h1 id="title">${escapeAttribute(title)}</h1></header>
<div id="app" class="app" data-entry="${entry}"><p class="loading" role="status">Loading analysis…</p></div>
<script nonce="${nonce}" src="${script}"></script></body></html>`;
}
