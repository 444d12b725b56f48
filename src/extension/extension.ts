/**
 * Extension entry point. Wires the services (analysis in a worker, navigation, notes) to the surfaces
 * (editor annotations, tree views, webviews, commands). Everything here is VS Code glue; analysis itself
 * happens in the core, in the worker thread.
 */

import * as vscode from 'vscode';
import { registerAnalysisViews } from './webview';
import { registerRecipeCommand } from './commands/recipe';
import type { ExtensionServices } from './services';
import { AnalysisService } from './analysis/analysisService';
import { InProcessChannel, WorkerChannel } from './analysis/channel';
import { analysisCore } from './worker/coreBinding';
import { SidecarNotesService } from './notes/notesService';
import { NoteThreads } from './notes/comments';
import { TraceNavigation } from './navigation';
import { TraceStates } from './editor/traceState';
import { LANGUAGE_ID, TraceDocuments } from './editor/traceDocuments';
import { FindingDiagnostics } from './editor/diagnostics';
import { FindingDecorations } from './editor/decorations';
import { TraceHoverProvider } from './editor/hover';
import { TraceCodeLensProvider } from './editor/codeLens';
import { TraceFoldingProvider, TraceSymbolProvider } from './editor/symbols';
import { TraceStatusBar } from './editor/statusBar';
import { FindingsTreeProvider } from './views/findingsView';
import { PagesTreeProvider } from './views/pagesView';
import { MarkersTreeProvider } from './views/markersView';
import { registerNavigationCommands } from './commands/navigationCommands';
import { registerAnnotateCommands } from './commands/annotate';
import { registerExportCommand } from './commands/exportReport';
import type { CommandContext } from './commands/context';
import { affectsAnalysis, editorSettings } from './settings';

/** What activate() returns: the integration tests reach the live services through it. */
export interface HmmTraceApi {
  services: ExtensionServices;
  analysis: AnalysisService;
  states: TraceStates;
  notes: SidecarNotesService;
  diagnostics: vscode.DiagnosticCollection;
}

export function activate(context: vscode.ExtensionContext): HmmTraceApi {
  const channel = editorSettings().useWorker
    ? new WorkerChannel(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath)
    : new InProcessChannel(analysisCore);
  const analysis = new AnalysisService(channel);
  const notes = new SidecarNotesService();
  const navigation = new TraceNavigation();
  const services: ExtensionServices = { analysis, navigation, notes };
  navigation.views = registerAnalysisViews(context, services);

  const states = new TraceStates(analysis, notes);
  const documents = new TraceDocuments(analysis, states);
  const diagnostics = new FindingDiagnostics(states, documents.onDidOpenTrace);
  const selector: vscode.DocumentSelector = { language: LANGUAGE_ID, scheme: 'file' };

  const findingsTree = new FindingsTreeProvider(states);
  const findingsView = vscode.window.createTreeView('hmmTrace.findings', { treeDataProvider: findingsTree, showCollapseAll: true });
  const pagesTree = new PagesTreeProvider(states);
  const markersTree = new MarkersTreeProvider(states);
  const updateBadge = (): void => {
    const st = states.active;
    const n = st ? st.analysis.data.findings.filter((f) => !st.expected.has(f.key)).length : 0;
    findingsView.badge = n > 0 ? { value: n, tooltip: `${n} finding${n === 1 ? '' : 's'}` } : undefined;
    findingsView.description = st ? st.uri.path.split('/').pop() : undefined;
  };

  const codeLens = new TraceCodeLensProvider(states);
  const ctx: CommandContext = { analysis, states, notes, navigation, documents, findingsTree, findingsView, pagesTree };
  context.subscriptions.push(
    analysis,
    notes,
    states,
    documents,
    diagnostics,
    findingsView,
    new NoteThreads(notes),
    new FindingDecorations(states, context.extensionUri),
    new TraceStatusBar(states),
    states.onDidChange(updateBadge),
    states.onDidChangeActive(updateBadge),
    vscode.window.registerTreeDataProvider('hmmTrace.pages', pagesTree),
    vscode.window.registerTreeDataProvider('hmmTrace.markers', markersTree),
    vscode.languages.registerHoverProvider(selector, new TraceHoverProvider(states)),
    codeLens,
    vscode.languages.registerCodeLensProvider(selector, codeLens),
    vscode.languages.registerDocumentSymbolProvider(selector, new TraceSymbolProvider(states), { label: 'HMM Trace' }),
    vscode.languages.registerFoldingRangeProvider({ language: LANGUAGE_ID }, new TraceFoldingProvider()),
    ...registerRecipeCommand(context),
    ...registerNavigationCommands(ctx),
    ...registerAnnotateCommands(ctx),
    registerExportCommand(ctx),
    vscode.commands.registerCommand('hmmTrace.openAnalysis', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? states.activeTrace;
      if (!target) {
        void vscode.window.showInformationMessage('HMM Trace: open a trace file first, then run Open Analysis.');
        return;
      }
      await vscode.commands.executeCommand('vscode.openWith', target, 'hmmTrace.analysis');
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('hmmTrace.analysis.useWorker')) {
        const pick = await vscode.window.showInformationMessage('HMM Trace: the analysis worker setting takes effect after a window reload.', 'Reload Window');
        if (pick) await vscode.commands.executeCommand('workbench.action.reloadWindow');
      }
      if (!affectsAnalysis(e)) return;
      // thresholds and probe settings change the findings: re-run the traces that are open
      for (const a of analysis.all()) {
        analysis.forget(a.uri);
        void documents.analyse(a.uri);
      }
    }),
  );
  return { services, analysis, states, notes, diagnostics: diagnostics.collection };
}

export function deactivate(): void {
  // everything is released through context.subscriptions
}
