/**
 * Extension entry point. Wires the services (analysis in a worker, navigation, notes) to the surfaces
 * (editor annotations, tree views, webviews, commands). Everything here is VS Code glue; analysis itself
 * happens in the core.
 */

import * as vscode from 'vscode';
import { registerAnalysisViews } from './webview';
import { registerRecipeCommand } from './commands/recipe';
import type { ExtensionServices } from './services';

export function activate(context: vscode.ExtensionContext): void {
  // The editor-integration work (issue 6) replaces these placeholders with the real services.
  const services = {} as ExtensionServices;
  registerAnalysisViews(context, services);
  context.subscriptions.push(
    ...registerRecipeCommand(context),
    vscode.commands.registerCommand('hmmTrace.openAnalysis', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showInformationMessage('HMM Trace: open a trace file first, then run Open Analysis.');
        return;
      }
      await vscode.commands.executeCommand('vscode.openWith', target, 'hmmTrace.analysis');
    }),
  );
}

export function deactivate(): void {
  // everything is released through context.subscriptions
}
