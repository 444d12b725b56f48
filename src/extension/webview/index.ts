/**
 * Registers the webviews (analysis custom editor, page-timeline panel and its serializer). Owned by the
 * webview work (issue 7); extension.ts calls this once on activation.
 */

import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { AddressSpace } from '../../core/model/types';
import { AnalysisEditorProvider } from './analysisEditor';

export interface AnalysisViews {
  /** Opens or focuses the page-timeline panel on these pages of a trace. */
  showPageTimeline(trace: vscode.Uri, as: AddressSpace, vpns: number[]): Promise<void>;
}

export function registerAnalysisViews(context: vscode.ExtensionContext, _services: ExtensionServices): AnalysisViews {
  const provider = new AnalysisEditorProvider(context);
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(AnalysisEditorProvider.viewType, provider, {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
  );
  return {
    async showPageTimeline(trace: vscode.Uri) {
      await vscode.commands.executeCommand('vscode.openWith', trace, AnalysisEditorProvider.viewType);
    },
  };
}
