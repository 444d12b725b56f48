/**
 * Extension entry point. Registers the analysis custom editor and the commands. Everything here is VS Code
 * glue; analysis itself happens in the core (run in a worker thread).
 */

import * as vscode from 'vscode';
import { AnalysisEditorProvider } from './analysisEditor';

export function activate(context: vscode.ExtensionContext): void {
  const provider = new AnalysisEditorProvider(context);
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(AnalysisEditorProvider.viewType, provider, {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.commands.registerCommand('hmmTrace.openAnalysis', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showInformationMessage('HMM Trace: open a trace file first, then run Open Analysis.');
        return;
      }
      await vscode.commands.executeCommand('vscode.openWith', target, AnalysisEditorProvider.viewType);
    }),
  );
}

export function deactivate(): void {
  // nothing to release beyond context.subscriptions
}
