/**
 * What the editor surfaces show for each analysed trace: the analysis (from the worker), its line index,
 * the user's notes and the set of findings they marked expected. One change event for all surfaces.
 */

import * as vscode from 'vscode';
import type { NoteRecord } from '../../core/notes/types';
import type { AnalysisService, TraceAnalysis } from '../analysis/analysisService';
import type { SidecarNotesService } from '../notes/notesService';
import { indexLines, lineAnnotations, type LineAnnotation, type LineIndex } from '../pure/findingsPlan';

export interface TraceState {
  readonly uri: vscode.Uri;
  readonly analysis: TraceAnalysis;
  readonly index: LineIndex;
  readonly notes: NoteRecord[];
  readonly expected: ReadonlySet<string>;
  readonly annotations: LineAnnotation[];
  readonly driverOwners: ReadonlySet<string>;
}

export function expectedKeys(notes: readonly NoteRecord[]): Set<string> {
  return new Set(notes.filter((n) => n.expected && n.findingKey).map((n) => n.findingKey as string));
}

export class TraceStates implements vscode.Disposable {
  private readonly states = new Map<string, TraceState>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** The trace the views follow: the last one focused in an editor (text or custom). */
  private activeUri: vscode.Uri | undefined;
  private readonly activeEmitter = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChangeActive = this.activeEmitter.event;

  constructor(
    private readonly analysis: AnalysisService,
    private readonly notes: SidecarNotesService,
  ) {
    this.disposables.push(
      this.activeEmitter,
      analysis.onDidAnalyze((a) => void this.refresh(a)),
      notes.onDidChange((uri) => {
        const a = analysis.peek(uri);
        if (a) void this.refresh(a);
      }),
    );
  }

  get(uri: vscode.Uri): TraceState | undefined {
    return this.states.get(uri.toString());
  }

  /** The state once the trace's analysis has landed (undefined if cancelled or after two minutes). */
  whenReady(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<TraceState | undefined> {
    const now = this.get(uri);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const subs: vscode.Disposable[] = [];
      const timer = setTimeout(() => done(undefined), 120_000);
      const done = (v: TraceState | undefined): void => {
        clearTimeout(timer);
        for (const s of subs) s.dispose();
        resolve(v);
      };
      subs.push(this.onDidChange((u) => u.toString() === uri.toString() && done(this.get(uri))));
      if (token) subs.push(token.onCancellationRequested(() => done(undefined)));
    });
  }

  get active(): TraceState | undefined {
    if (this.activeUri) return this.get(this.activeUri);
    return undefined;
  }

  get activeTrace(): vscode.Uri | undefined {
    return this.activeUri;
  }

  setActive(uri: vscode.Uri | undefined): void {
    if (uri?.toString() === this.activeUri?.toString()) return;
    if (uri === undefined) return; // keep following the last trace when focus moves to a non-trace editor
    this.activeUri = uri;
    this.activeEmitter.fire(uri);
  }

  /** Forgets a trace nobody looks at any more (its analysis is released by the caller). */
  drop(uri: vscode.Uri): void {
    if (this.states.delete(uri.toString())) this.emitter.fire(uri);
  }

  private async refresh(a: TraceAnalysis): Promise<void> {
    let notes: NoteRecord[] = [];
    try {
      notes = await this.notes.list(a.uri);
    } catch (e) {
      void vscode.window.showWarningMessage(`HMM Trace: notes of ${a.uri.fsPath} not loaded: ${(e as Error).message}`);
    }
    // a newer analysis of the same file may have landed while notes loaded
    if (this.analysis.peek(a.uri) !== a) return;
    const expected = expectedKeys(notes);
    const index = indexLines(a.data);
    const state: TraceState = {
      uri: a.uri,
      analysis: a,
      index,
      notes,
      expected,
      annotations: lineAnnotations(a.data, index, expected),
      driverOwners: new Set(a.data.driverOwners),
    };
    this.states.set(a.uri.toString(), state);
    if (!this.activeUri) this.setActive(a.uri);
    this.emitter.fire(a.uri);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
