/**
 * The extension side of the worker protocol: a WorkerChannel runs the analysis in a worker_thread
 * (dist/worker.js), an InProcessChannel runs the same host code on the extension host's loop (setting
 * hmmTrace.analysis.useWorker = false, for debugging). Both hand out request promises by id.
 */

import { Worker } from 'node:worker_threads';
import { AnalysisHost, type AnalysisCore } from '../worker/host';
import type { WorkerRequest, WorkerResponse } from '../worker/messages';

/** Heap of the analysis worker: a 1 GiB trace needs about 1.7 GB. */
const WORKER_HEAP_MB = 4096;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ChannelRequest = DistributiveOmit<Extract<WorkerRequest, { id: number }>, 'id'>;

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress?: (done: number, total: number) => void;
}

export abstract class Channel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  request<T>(req: ChannelRequest, onProgress?: (done: number, total: number) => void): { id: number; result: Promise<T> } {
    const id = this.nextId++;
    const result = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
    });
    if (this.pending.size === 1) this.busyChanged(true);
    this.send({ ...req, id } as WorkerRequest);
    return { id, result };
  }

  cancel(id: number): void {
    this.send({ type: 'cancel', id });
  }

  release(key: string): void {
    this.send({ type: 'release', key });
  }

  protected receive(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.bytesDone, msg.bytesTotal);
      return;
    }
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.busyChanged(false);
    if (msg.type === 'result') p.resolve(msg.value);
    else p.reject(msg.cancelled ? new CancelledError(msg.message) : new Error(msg.message));
  }

  /** Fails every request in flight (the worker died): callers get an error, never a hang. */
  protected failAll(message: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new Error(message));
    }
    this.busyChanged(false);
  }

  protected get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Called when the first request starts and when the last one ends. */
  protected busyChanged(_busy: boolean): void {}

  protected abstract send(msg: WorkerRequest): void;
  abstract dispose(): void;
}

export class WorkerChannel extends Channel {
  private worker: Worker | undefined;
  /** Bumped whenever the worker is replaced: analyses held by a dead worker are gone. */
  generation = 0;

  constructor(private readonly script: string) {
    super();
  }

  protected send(msg: WorkerRequest): void {
    this.ensure().postMessage(msg);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    w.on('message', (m: WorkerResponse) => this.receive(m));
    w.on('error', (e) => this.lost(w, workerFailure(e)));
    w.on('exit', (code) => this.lost(w, `HMM Trace: the analysis worker exited (code ${code})`));
    // an idle worker must not keep a process alive (CLI-like hosts, tests); a busy one must
    if (!this.busy) w.unref();
    this.worker = w;
    this.generation++;
    return w;
  }

  protected override busyChanged(busy: boolean): void {
    if (busy) this.worker?.ref();
    else this.worker?.unref();
  }

  private lost(w: Worker, message: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.failAll(message);
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    this.failAll('HMM Trace: extension deactivated');
    void w?.terminate();
  }
}

export class InProcessChannel extends Channel {
  private readonly host: AnalysisHost;
  readonly generation = 1;

  constructor(core: AnalysisCore) {
    super();
    this.host = new AnalysisHost(core, (m) => setImmediate(() => this.receive(structuredClone(m))));
  }

  protected send(msg: WorkerRequest): void {
    setImmediate(() => this.host.handle(msg));
  }

  dispose(): void {
    /* nothing held outside the host */
  }
}

/** What to tell the user when the worker dies; running out of memory says what to do about it. */
export function workerFailure(e: Error & { code?: string }): string {
  if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return (
      `HMM Trace: the analysis ran out of memory (${WORKER_HEAP_MB / 1024} GB; an analysis with the indexes of its views needs about 160 bytes per event). ` +
      'Record a shorter capture, or split this text trace at a line boundary (for example with `split -l`) and analyze the parts.'
    );
  }
  return `HMM Trace: the analysis worker failed: ${e.message}`;
}

