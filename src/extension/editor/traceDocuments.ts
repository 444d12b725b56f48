/**
 * Which open documents are traces, and when to analyse them: switches `.txt`/`.log`/extension-less files
 * whose first lines look like a trace to the `ftrace` language, runs the analysis when a trace opens,
 * follows the active trace for the views, and tells the user in one line when a file is too large for a
 * TextDocument (VS Code does not hand files above 50 MB to extensions) or is a binary trace.dat.
 */

import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { sniffTraceText } from '../pure/traceSniff';
import { editorSettings } from '../settings';
import { CancelledError } from '../analysis/channel';
import type { AnalysisService } from '../analysis/analysisService';
import type { TraceStates } from './traceState';

export const LANGUAGE_ID = 'ftrace';
/** VS Code's limit for syncing a document to extensions (files above it have no TextDocument here). */
export const EXTENSION_SYNC_LIMIT = 50 * 1024 * 1024;
const RELEASE_AFTER_MS = 60_000;
const SNIFFED_EXTENSIONS = new Set(['.txt', '.log', '.out', '']);

export function isTraceDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === LANGUAGE_ID && doc.uri.scheme === 'file';
}

export class TraceDocuments implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly toldLarge = new Set<string>();
  private readonly failed = new Set<string>();
  /** Documents switched to ftrace by content once: if the user switches one back, that choice stands. */
  private readonly switched = new Set<string>();
  private readonly reopened = new vscode.EventEmitter<vscode.Uri>();
  /** A trace document (re)opened: surfaces that clear on close show it again. */
  readonly onDidOpenTrace = this.reopened.event;

  constructor(
    private readonly analysis: AnalysisService,
    private readonly states: TraceStates,
  ) {
    this.disposables.push(
      this.reopened,
      vscode.workspace.onDidOpenTextDocument((d) => void this.opened(d)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.focused(e)),
      vscode.window.tabGroups.onDidChangeTabs((e) => void this.tabsChanged(e.opened.concat(e.changed))),
      vscode.workspace.onDidCloseTextDocument((d) => isTraceDocument(d) && this.scheduleRelease(d.uri)),
      vscode.workspace.onDidSaveTextDocument((d) => {
        // the analysis reads the file on disk; a saved edit means a new analysis
        if (isTraceDocument(d) && this.analysis.peek(d.uri)) void this.analyse(d.uri);
      }),
    );
    for (const d of vscode.workspace.textDocuments) void this.opened(d);
    this.focused(vscode.window.activeTextEditor);
    void this.tabsChanged(vscode.window.tabGroups.all.flatMap((g) => g.tabs));
  }

  private async opened(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme !== 'file') return;
    const k = doc.uri.toString();
    if (
      doc.languageId !== LANGUAGE_ID &&
      (doc.languageId === 'plaintext' || doc.languageId === 'log') &&
      !this.switched.has(k) &&
      SNIFFED_EXTENSIONS.has(extname(doc.uri.fsPath).toLowerCase())
    ) {
      const lines: string[] = [];
      for (let i = 0; i < Math.min(doc.lineCount, 50); i++) lines.push(doc.lineAt(i).text);
      if (sniffTraceText(lines)) {
        this.switched.add(k);
        // re-opens the document under the new language; onDidOpenTextDocument fires again for it
        await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
        return;
      }
    }
    if (isTraceDocument(doc) && editorSettings(doc.uri).analyzeOnOpen) await this.analyse(doc.uri);
    if (isTraceDocument(doc)) this.reopened.fire(doc.uri);
  }

  /**
   * A closed trace keeps its analysis for a minute (reopening is instant), then the worker releases it,
   * unless an editor or a webview still shows it.
   */
  private scheduleRelease(uri: vscode.Uri): void {
    const timer = setTimeout(() => {
      const k = uri.toString();
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      const shown = tabs.some((t) => {
        const input = t.input;
        if (input instanceof vscode.TabInputWebview) return true; // a page timeline may be reading it
        return (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) && input.uri.toString() === k;
      });
      if (shown || vscode.workspace.textDocuments.some((d) => d.uri.toString() === k)) return;
      this.analysis.forget(uri);
      this.states.drop(uri);
    }, RELEASE_AFTER_MS);
    this.disposables.push({ dispose: () => clearTimeout(timer) });
  }

  private focused(editor: vscode.TextEditor | undefined): void {
    if (editor && isTraceDocument(editor.document)) this.states.setActive(editor.document.uri);
  }

  /** Runs (or reuses) the analysis; failures are told once per file, cancellation quietly. */
  async analyse(uri: vscode.Uri): Promise<void> {
    try {
      await this.analysis.get(uri);
      this.failed.delete(uri.toString());
    } catch (e) {
      if (e instanceof CancelledError) {
        void vscode.window.setStatusBarMessage(e.message, 5000);
        return;
      }
      if (this.failed.has(uri.toString())) return;
      this.failed.add(uri.toString());
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
    }
  }

  private async tabsChanged(tabs: readonly vscode.Tab[]): Promise<void> {
    for (const tab of tabs) {
      const input = tab.input;
      if (input instanceof vscode.TabInputCustom && (input.viewType === 'hmmTrace.analysis' || input.viewType === 'hmmTrace.datAnalysis')) {
        if (tab.isActive) this.states.setActive(input.uri);
        continue;
      }
      if (!(input instanceof vscode.TabInputText) || input.uri.scheme !== 'file') continue;
      const k = input.uri.toString();
      if (this.toldLarge.has(k) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === k)) continue;
      const isDat = extname(input.uri.fsPath).toLowerCase() === '.dat';
      const size = (await stat(input.uri.fsPath).catch(() => undefined))?.size ?? 0;
      if (!isDat && size <= EXTENSION_SYNC_LIMIT) continue;
      this.toldLarge.add(k);
      const why = isDat ? 'is a binary trace-cmd trace.dat' : `is ${(size / 2 ** 20).toFixed(0)} MB, above VS Code's 50 MB limit for extensions`;
      const pick = await vscode.window.showInformationMessage(
        `HMM Trace: ${input.uri.fsPath.split(/[\\/]/).pop()} ${why}; its analysis streams from disk in the HMM Trace Analysis editor.`,
        'Open Analysis',
      );
      if (pick) await vscode.commands.executeCommand('vscode.openWith', input.uri, 'hmmTrace.analysis');
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
