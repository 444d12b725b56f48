/**
 * The worker's message loop, independent of worker_threads so it can run in-process too (worker switched
 * off for debugging) and be tested: analyze with progress and cancellation, keep the Analysis by key,
 * answer queries, editor data and reports against it.
 */

import type { Analysis, AnalysisSummary, AnalyzeOptions } from '../../core/api';
import type { NoteRecord } from '../../core/notes/types';
import { buildEditorData } from './editorData';
import type { AnalyzeResult, ReportFormat, WorkerRequest, WorkerResponse } from './messages';
import { QueryAnswerer } from './queries';

export interface AnalysisCore {
  analyzeFile(path: string, opts: AnalyzeOptions): Promise<Analysis>;
  summarize(analysis: Analysis): AnalysisSummary;
  report?(analysis: Analysis, format: ReportFormat, notes: NoteRecord[]): string;
}

export class AnalysisHost {
  private readonly running = new Map<number, AbortController>();
  private readonly held = new Map<string, QueryAnswerer>();
  private nextKey = 1;

  constructor(
    private readonly core: AnalysisCore,
    private readonly post: (msg: WorkerResponse) => void,
  ) {}

  handle(msg: WorkerRequest): void {
    switch (msg.type) {
      case 'analyze':
        void this.analyze(msg.id, msg.file, msg.options);
        return;
      case 'cancel':
        this.running.get(msg.id)?.abort();
        return;
      case 'release':
        this.held.delete(msg.key);
        return;
      case 'query':
        this.reply(msg.id, () => this.answerer(msg.key).answer(msg.method, msg.args));
        return;
      case 'editorData':
        this.reply(msg.id, () => {
          const a = this.answerer(msg.key);
          return buildEditorData(a.analysis, a.summary());
        });
        return;
      case 'report':
        this.reply(msg.id, () => {
          if (!this.core.report) throw new Error('report output is not available in this build');
          return this.core.report(this.answerer(msg.key).analysis, msg.format, msg.notes);
        });
        return;
      default:
        // a malformed message from the host is a programming error; answer it rather than hang the caller
        this.post({ type: 'error', id: (msg as { id?: number }).id ?? -1, message: `analysis worker: unsupported message ${JSON.stringify(msg).slice(0, 200)}` });
    }
  }

  private answerer(key: string): QueryAnswerer {
    const a = this.held.get(key);
    if (!a) throw new Error(`analysis ${key} is no longer held by the worker (released or worker restarted)`);
    return a;
  }

  private reply(id: number, fn: () => unknown): void {
    try {
      this.post({ type: 'result', id, value: fn() });
    } catch (e) {
      this.post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async analyze(id: number, file: string, options: AnalyzeOptions): Promise<void> {
    const ctl = new AbortController();
    this.running.set(id, ctl);
    let lastPost = 0;
    try {
      const analysis = await this.core.analyzeFile(file, {
        ...options,
        signal: ctl.signal,
        onProgress: (bytesDone, bytesTotal) => {
          const now = Date.now();
          // at most ~10 progress messages a second: the notification cannot show more
          if (now - lastPost >= 100 || bytesDone >= bytesTotal) {
            lastPost = now;
            this.post({ type: 'progress', id, bytesDone, bytesTotal });
          }
        },
      });
      if (ctl.signal.aborted || analysis.ingest.cancelled) {
        this.post({ type: 'error', id, message: 'analysis cancelled', cancelled: true });
        return;
      }
      const key = `a${this.nextKey++}`;
      const answerer = new QueryAnswerer(analysis, this.core.summarize);
      this.held.set(key, answerer);
      // the Pages table (every page summary, all sort orders: ~0.3 s at 256 MiB, ~1.5 s at 1 GiB) is built
      // before the result is announced, so no request of the view ever waits behind it: built later, it
      // would run just when the freshly opened view sends its first requests
      try {
        answerer.view.preparePages();
      } catch {
        // a pages request reports the error itself when it is asked
      }
      const result: AnalyzeResult = { key, summary: answerer.summary(), warnings: analysis.ingest.warnings };
      this.post({ type: 'result', id, value: result });
      // what the Overview and Findings tabs ask first (rate chart, findings as shown, markers: a fraction of
      // a second), indexed before they ask
      setImmediate(() => {
        if (!this.held.has(key)) return;
        try {
          answerer.view.prepareOverview();
        } catch {
          // a query that needs the failed part reports the error itself when it is asked
        }
      });
    } catch (e) {
      const cancelled = ctl.signal.aborted;
      this.post({ type: 'error', id, message: cancelled ? 'analysis cancelled' : e instanceof Error ? e.message : String(e), cancelled });
    } finally {
      this.running.delete(id);
    }
  }
}
