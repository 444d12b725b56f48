/**
 * Contracts between the parts of the extension, so the editor integration (src/extension/*), the webviews
 * (src/extension/webview/*) and the recipe command can be built side by side. Implementations:
 * - TraceAnalysisService: src/extension/analysis/ (worker-backed, progress, cancel, cache per file)
 * - Navigation: src/extension/navigation.ts
 * - NotesService: src/extension/notes/ over the core sidecar format in src/core/notes/
 */

import type * as vscode from 'vscode';
import type { AnalysisQueries, AnalysisSummary } from '../core/api';
import type { AddressSpace } from '../core/model/types';
import type { NoteRecord } from '../core/notes/types';

export interface AnalysisHandle {
  readonly uri: vscode.Uri;
  readonly summary: AnalysisSummary;
  /** Queries answered by the worker that holds the model. */
  readonly queries: AnalysisQueries;
}

export interface TraceAnalysisService {
  /** The analysis of a trace file: runs it (worker thread, cancellable progress) or returns the cached one.
   * Rejects with a user-facing message if cancelled or unreadable. */
  get(uri: vscode.Uri): Promise<AnalysisHandle>;
  /** Already finished analysis, if any. */
  peek(uri: vscode.Uri): AnalysisHandle | undefined;
  readonly onDidAnalyze: vscode.Event<AnalysisHandle>;
}

export interface Navigation {
  /** Selects and reveals a 1-based line of the trace: in its text editor when it can be a TextDocument,
   * else opens the raw file with `vscode.open` and a selection. */
  revealLine(uri: vscode.Uri, line: number): Promise<void>;
  /** Opens or focuses the page-timeline panel on these pages. */
  showPageTimeline(uri: vscode.Uri, as: AddressSpace, vpns: number[]): Promise<void>;
}

/** A user's note on an event line: the sidecar format's record (src/core/notes/types.ts). */
export type Note = NoteRecord;

export interface NotesService {
  list(trace: vscode.Uri): Promise<Note[]>;
  /** Creates or updates; persisted atomically to `<trace>.hmmnotes.json` before resolving. */
  upsert(trace: vscode.Uri, note: Omit<Note, 'id' | 'created' | 'updated'> & { id?: string }): Promise<Note>;
  remove(trace: vscode.Uri, id: string): Promise<void>;
  readonly onDidChange: vscode.Event<vscode.Uri>;
}

export interface ExtensionServices {
  analysis: TraceAnalysisService;
  navigation: Navigation;
  notes: NotesService;
}
