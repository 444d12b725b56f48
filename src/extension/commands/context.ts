/** What the command handlers work with. */

import * as vscode from 'vscode';
import type { AnalysisService } from '../analysis/analysisService';
import type { TraceState, TraceStates } from '../editor/traceState';
import type { TraceDocuments } from '../editor/traceDocuments';
import type { SidecarNotesService } from '../notes/notesService';
import type { TraceNavigation } from '../navigation';
import type { FindingsNode, FindingsTreeProvider } from '../views/findingsView';
import type { PagesTreeProvider } from '../views/pagesView';
import { toUri } from '../navigation';

export interface CommandContext {
  analysis: AnalysisService;
  states: TraceStates;
  notes: SidecarNotesService;
  navigation: TraceNavigation;
  documents: TraceDocuments;
  findingsTree: FindingsTreeProvider;
  findingsView: vscode.TreeView<FindingsNode>;
  pagesTree: PagesTreeProvider;
}

/** The trace a command is about: its argument, else the active trace editor, else the trace the views follow. */
export function traceOf(ctx: CommandContext, arg?: unknown): vscode.Uri | undefined {
  return toUri(arg) ?? (vscode.window.activeTextEditor?.document.languageId === 'ftrace' ? vscode.window.activeTextEditor.document.uri : undefined) ?? ctx.states.activeTrace;
}

/** The analysed state of a trace, running the analysis if needed; tells the user and returns undefined on failure. */
export async function stateOf(ctx: CommandContext, uri: vscode.Uri | undefined): Promise<TraceState | undefined> {
  if (!uri) {
    void vscode.window.showInformationMessage('HMM Trace: open a trace first (ftrace text, trace-cmd report, perf script or trace.dat).');
    return undefined;
  }
  try {
    await ctx.analysis.get(uri);
  } catch (e) {
    void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
    return undefined;
  }
  return ctx.states.whenReady(uri);
}
