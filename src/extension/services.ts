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

export interface Note {
  id: string;
  /** 1-based line of the event the note is attached to, plus the event's timestamp and text fingerprint so
   * it can be re-anchored if the line moved. */
  line: number;
  ts?: number;
  fingerprint?: string;
  /** Finding key (detect/types Finding.key) when the note is about a finding. */
  findingKey?: string;
  body: string;
  /** Marks the finding as expected: it is listed as suppressed, never deleted. */
  expected?: boolean;
  resolved?: boolean;
  author?: string;
  created: string;
  updated: string;
}

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
