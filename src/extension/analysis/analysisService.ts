/**
 * TraceAnalysisService: one analysis per trace file, run in the worker with a cancellable progress
 * notification, cached until the file changes on disk, with the editor data (findings, records resolved
 * to lines) fetched once so every editor surface reads it synchronously.
 */

import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AnalysisQueries } from '../../core/api';
import type { NoteRecord } from '../../core/notes/types';
import type { AnalysisHandle, TraceAnalysisService } from '../services';
import type { EditorData } from '../worker/editorData';
import type { AnalyzeResult, QueryMethod, ReportFormat } from '../worker/messages';
import { QUERY_METHODS } from '../worker/messages';
import { analyzeOptions } from '../settings';
import { CancelledError, type Channel } from './channel';

/** An analysis as the editor surfaces use it. */
export interface TraceAnalysis extends AnalysisHandle {
  readonly data: EditorData;
  readonly warnings: string[];
  report(format: ReportFormat, notes: NoteRecord[]): Promise<string>;
}

interface Entry {
  mtimeMs: number;
  size: number;
  promise?: Promise<TraceAnalysis>;
  done?: TraceAnalysis;
  key?: string;
}

export class AnalysisService implements TraceAnalysisService, vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly emitter = new vscode.EventEmitter<TraceAnalysis>();
  readonly onDidAnalyze = this.emitter.event;

  constructor(private readonly channel: Channel) {}

  peek(uri: vscode.Uri): TraceAnalysis | undefined {
    return this.entries.get(uri.toString())?.done;
  }

  /** All finished analyses (the trees follow the active one, the status bar shows it). */
  all(): TraceAnalysis[] {
    return [...this.entries.values()].flatMap((e) => (e.done ? [e.done] : []));
  }

  async get(uri: vscode.Uri): Promise<TraceAnalysis> {
    if (uri.scheme !== 'file') throw new Error(`HMM Trace: ${uri.toString()} is not a local file; the analysis streams traces from disk.`);
    const s = await stat(uri.fsPath).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`HMM Trace: cannot read ${uri.fsPath}: ${e.code === 'ENOENT' ? 'file not found' : e.message}`);
    });
    const k = uri.toString();
    const cur = this.entries.get(k);
    if (cur?.promise && cur.mtimeMs === s.mtimeMs && cur.size === s.size) return cur.promise;
    if (cur?.key) this.channel.release(cur.key);
    const entry: Entry = { mtimeMs: s.mtimeMs, size: s.size };
    this.entries.set(k, entry);
    entry.promise = this.run(uri, entry).then(
      (a) => {
        if (this.entries.get(k) !== entry) {
          // the file changed (or was forgotten) while this ran: a newer analysis replaces this one
          if (entry.key) this.channel.release(entry.key);
          return a;
        }
        entry.done = a;
        this.emitter.fire(a);
        return a;
      },
      (e: unknown) => {
        if (this.entries.get(k) === entry) this.entries.delete(k);
        throw e;
      },
    );
    return entry.promise;
  }

  /** Drops the cached analysis (settings changed, user asked) and runs it again. */
  async reanalyze(uri: vscode.Uri): Promise<TraceAnalysis> {
    this.forget(uri);
    return this.get(uri);
  }

  forget(uri: vscode.Uri): void {
    const e = this.entries.get(uri.toString());
    if (e?.key) this.channel.release(e.key);
    this.entries.delete(uri.toString());
  }

  private async run(uri: vscode.Uri, entry: Entry): Promise<TraceAnalysis> {
    const { options, warnings } = await analyzeOptions(uri);
    const name = basename(uri.fsPath);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `HMM Trace: analysing ${name}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        const req = this.channel.request<AnalyzeResult>({ type: 'analyze', file: uri.fsPath, options }, (done, total) => {
          const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
          if (pct > reported) {
            progress.report({ increment: pct - reported, message: `${mib(done)} of ${mib(total)}` });
            reported = pct;
          }
        });
        const sub = token.onCancellationRequested(() => this.channel.cancel(req.id));
        try {
          return await req.result;
        } finally {
          sub.dispose();
        }
      },
    ).then(undefined, (e: unknown) => {
      if (e instanceof CancelledError) throw new CancelledError(`HMM Trace: analysis of ${name} cancelled.`);
      throw new Error(`HMM Trace: cannot analyse ${name}: ${e instanceof Error ? e.message : String(e)}`);
    });
    entry.key = result.key;
    const data = await this.channel.request<EditorData>({ type: 'editorData', key: result.key }).result;
    const queries = this.queriesFor(result.key, uri);
    const channel = this.channel;
    return {
      uri,
      summary: result.summary,
      queries,
      data,
      warnings: [...warnings, ...result.warnings],
      report: (format, notes) => channel.request<string>({ type: 'report', key: result.key, format, notes }).result,
    };
  }

  private queriesFor(key: string, uri: vscode.Uri): AnalysisQueries {
    const q: Partial<Record<QueryMethod, (...args: unknown[]) => Promise<unknown>>> = {};
    for (const method of QUERY_METHODS) {
      q[method] = (...args: unknown[]) =>
        this.channel.request({ type: 'query', key, method, args }).result.catch((e: unknown) => {
          // the worker that held this analysis is gone (crashed, restarted): the next get() runs it again
          if (e instanceof Error && /no longer held|analysis worker (exited|failed)/.test(e.message) && this.entries.get(uri.toString())?.key === key) {
            this.entries.delete(uri.toString());
          }
          throw e;
        });
    }
    return q as unknown as AnalysisQueries;
  }

  dispose(): void {
    this.emitter.dispose();
    this.channel.dispose();
  }
}

function mib(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
