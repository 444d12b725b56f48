/**
 * Registers the webviews (analysis custom editor, page-timeline panel and its serializer) and the
 * webview commands. Owned by the webview work (issue 7); extension.ts calls this once on activation.
 */

import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { AddressSpace } from '../../core/model/types';
import { AnalysisEditorProvider } from './analysisEditor';
import { PageTimelinePanel } from './pageTimelinePanel';
import { pagesAtLine } from './pagesAtLine';

export interface AnalysisViews {
  /** Opens or focuses the page-timeline panel on these pages of a trace. */
  showPageTimeline(trace: vscode.Uri, as: AddressSpace, vpns: number[]): Promise<void>;
}

export function registerAnalysisViews(context: vscode.ExtensionContext, services: ExtensionServices): AnalysisViews {
  const panel = new PageTimelinePanel(context, services);
  const views: AnalysisViews = {
    showPageTimeline: (trace, as, vpns) => panel.show(trace, as, vpns),
  };
  const provider = new AnalysisEditorProvider(context, services, { openPageTimeline: views.showPageTimeline });
  context.subscriptions.push(
    panel,
    ...AnalysisEditorProvider.viewTypes.map((viewType) =>
      vscode.window.registerCustomEditorProvider(viewType, provider, {
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: true,
      }),
    ),
    // The page under the cursor of a trace editor: the events of that line and the pages they touch.
    vscode.commands.registerCommand('hmmTrace.showPageTimelineAtCursor', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('HMM Trace: put the cursor on an event line of a trace first.');
        return;
      }
      const uri = editor.document.uri;
      const handle = await services.analysis.get(uri);
      const line = editor.selection.active.line + 1;
      const hit = await pagesAtLine(handle.queries, line);
      if (hit) {
        await panel.show(uri, hit.as, hit.vpns, hit.eventId);
        return;
      }
      void vscode.window.showInformationMessage(`HMM Trace: line ${line} holds no event that names a page.`);
    }),
  );
  return views;
}
