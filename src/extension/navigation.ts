/**
 * Navigation: reveal a trace line (in its text editor, or, for files VS Code cannot hand to extensions,
 * by opening the raw file with `vscode.open` and a selection) and open the page timeline.
 */

import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { AddressSpace } from '../core/model/types';
import type { Navigation } from './services';
import { EXTENSION_SYNC_LIMIT } from './editor/traceDocuments';

export interface PageTimelineOpener {
  showPageTimeline(trace: vscode.Uri, as: AddressSpace, vpns: number[]): Promise<void>;
}

export class TraceNavigation implements Navigation {
  /** Set once the webviews are registered (they need the services, which include this object). */
  views: PageTimelineOpener | undefined;

  async revealLine(uri: vscode.Uri, line: number): Promise<void> {
    const target = Math.max(0, Math.floor(line) - 1);
    const range = new vscode.Range(target, 0, target, 0);
    if (uri.scheme === 'file') {
      if (extname(uri.fsPath).toLowerCase() === '.dat') {
        void vscode.window.showInformationMessage(
          `HMM Trace: event ${line} of a binary trace.dat has no text line; run \`trace-cmd report\` on it to read the records as text.`,
        );
        return;
      }
      const size = (await stat(uri.fsPath).catch(() => undefined))?.size ?? 0;
      if (size > EXTENSION_SYNC_LIMIT) {
        // no TextDocument above the sync limit: let VS Code open the raw file at the line itself
        await vscode.commands.executeCommand('vscode.open', uri, { selection: range, preview: false } satisfies vscode.TextDocumentShowOptions);
        return;
      }
    }
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const activeIsWebview = vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputCustom ||
      vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview;
    const editor = await vscode.window.showTextDocument(uri, {
      viewColumn: visible?.viewColumn ?? (activeIsWebview ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active),
      selection: range,
      preview: false,
    });
    const lineRange = editor.document.lineAt(Math.min(target, editor.document.lineCount - 1)).range;
    editor.selection = new vscode.Selection(lineRange.start, lineRange.start);
    editor.revealRange(lineRange, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  async showPageTimeline(uri: vscode.Uri, as: AddressSpace, vpns: number[]): Promise<void> {
    if (!this.views) throw new Error('HMM Trace: the page timeline is not available yet');
    await this.views.showPageTimeline(uri, as, vpns);
  }
}

/** Command arguments arrive as Uri objects (from code) or strings (from command: links and tree items). */
export function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return arg.includes('://') || arg.startsWith('file:') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (arg && typeof arg === 'object' && 'scheme' in arg && 'path' in arg) return vscode.Uri.from(arg as vscode.Uri);
  return undefined;
}
