/**
 * The model build of a large ftrace text file on two threads: the file is cut at a line where no kernel
 * stack can reach back across (ingest/split.ts), this thread reads, decodes and stores the first part while
 * a worker thread (rangeWorker.ts, bundled as dist/range-worker.js) does the same for the second, and the
 * second part's events, counts and layout facts are then appended to the first's, so the result is the one
 * a single pass gives (test/unit/model/parallel.test.ts compares them on every real capture at many cuts).
 * Ingest and decode are most of the build, so the wall time of that stage halves on two cores.
 */

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Accounting, type AccountingPart } from '../ingest/accounting';
import { FtraceTextParser, type FtraceTraits } from '../ingest/ftraceText';
import { forEachLine, type LineReadResult } from '../ingest/lineReader';
import { readerSummary } from '../ingest/reader';
import type { IngestSummary, ReadOptions } from '../ingest/types';
import type { AnalyzeOptions } from '../api';
import { type BuilderPart, catalogOf, ModelBuilder, type ProbeText } from './build';

/** What the worker is asked to read. */
export interface PartRequest {
  path: string;
  start: number;
  end: number;
  probes: ProbeText[];
  fieldAliases?: Record<string, string[]>;
  maxLineBytes?: number;
}

/** What the worker sends back. */
export interface PartResult {
  builder: BuilderPart;
  accounting: AccountingPart;
  traits: FtraceTraits;
  lines: LineReadResult;
}

/** Messages from the worker. */
export type PartMessage = { type: 'progress'; bytes: number } | { type: 'done'; result: PartResult } | { type: 'error'; message: string };

/** Reads bytes [start, end) of an ftrace text file into `builder`. */
export async function readPart(
  path: string,
  range: { start: number; end: number },
  builder: ModelBuilder,
  opts: Pick<ReadOptions, 'signal' | 'onProgress' | 'maxLineBytes' | 'chunkSize'>,
): Promise<{ acc: Accounting; parser: FtraceTextParser; res: LineReadResult }> {
  const acc = new Accounting((ev) => builder.add(ev));
  // add() keeps no event: bodies stay bytes of the read buffer (ReadOptions.transient), as in a single pass
  const readOpts: ReadOptions = { ...opts, range, fields: true, transient: true };
  const parser = new FtraceTextParser(acc, readOpts, 'ftrace');
  const res = await forEachLine(path, (buf, s, e, lineNo, offset) => parser.line(buf, s, e, lineNo, offset), { ...readOpts, onRefill: (buf) => parser.release(buf) });
  parser.finish();
  return { acc, parser, res };
}

/** The worker side: read the part, hand back everything with the store's typed arrays transferred. */
export async function servePart(req: PartRequest, post: (m: PartMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  const builder = new ModelBuilder(catalogOf(req.probes), { fieldAliases: req.fieldAliases, keepFields: false });
  let reported = 0;
  const part = await readPart(req.path, { start: req.start, end: req.end }, builder, {
    maxLineBytes: req.maxLineBytes,
    onProgress: (bytes) => {
      if (bytes - reported >= 8 << 20) {
        reported = bytes;
        post({ type: 'progress', bytes });
      }
    },
  });
  const result: PartResult = { builder: builder.exportPart(), accounting: part.acc.part(), traits: part.parser.traits(), lines: part.res };
  post({ type: 'done', result }, [...buffersOf(result.builder.store)]);
}

/** Every ArrayBuffer of a store part: the typed-array chunks of its columns and extras, moved rather than copied. */
export function buffersOf(x: unknown, out: Set<ArrayBuffer> = new Set(), depth = 0): Set<ArrayBuffer> {
  if (ArrayBuffer.isView(x)) out.add(x.buffer as ArrayBuffer);
  // part → columns → column → its chunk list → chunk: four levels down; five for a column held inside a column
  // (the present values of the sparse return and address columns: ~7 MB a part at 1 GiB, copied when missed)
  else if (depth < 5 && typeof x === 'object' && x !== null && !(x instanceof Map)) for (const v of Object.values(x)) buffersOf(v, out, depth + 1);
  return out;
}

/** The bundled worker script next to this bundle (dist/), or undefined when it is not there. */
export function rangeWorkerScript(): string | undefined {
  let dir = __dirname;
  for (let up = 0; up < 4; up++) {
    for (const p of [join(dir, 'range-worker.js'), join(dir, 'dist', 'range-worker.js')]) if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  return undefined;
}

/** Runs one part on a worker thread. */
export function runPartWorker(script: string, req: PartRequest, signal: AbortSignal | undefined, onProgress: (bytes: number) => void): Promise<PartResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: req, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
    const abort = () => {
      void worker.terminate();
      reject(new Error('cancelled'));
    };
    signal?.addEventListener('abort', abort, { once: true });
    const settle = () => signal?.removeEventListener('abort', abort);
    worker.on('message', (m: PartMessage) => {
      if (m.type === 'progress') onProgress(m.bytes);
      else if (m.type === 'done') {
        settle();
        resolve(m.result);
        void worker.terminate();
      } else {
        settle();
        reject(new Error(m.message));
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      settle();
      reject(e);
    });
    worker.on('exit', (code) => {
      settle();
      reject(new Error(`the range worker exited (code ${code})`));
    });
  });
}

/** Joins the line-reading results of two consecutive parts. */
export function joinLineResults(a: LineReadResult, b: LineReadResult): LineReadResult {
  return {
    bytes: a.bytes + b.bytes,
    lines: a.lines + b.lines,
    overlongLines: a.overlongLines + b.overlongLines,
    crlfLines: a.crlfLines + b.crlfLines,
    firstNulLine: a.firstNulLine > 0 ? a.firstNulLine : b.firstNulLine > 0 ? a.lines + b.firstNulLine : 0,
    invalidUtf8: a.invalidUtf8 || b.invalidUtf8,
    truncatedLastLine: b.truncatedLastLine,
    cancelled: a.cancelled || b.cancelled,
  };
}

/**
 * Builds the first part here and the second on `second` (a worker, or in tests a local function), then
 * joins them into `builder`. Returns the ingest summary of the whole file.
 */
export async function buildInTwoParts(
  path: string,
  size: number,
  cut: number,
  builder: ModelBuilder,
  opts: AnalyzeOptions,
  second: (req: PartRequest, onProgress: (bytes: number) => void) => Promise<PartResult>,
  probes: ProbeText[],
): Promise<IngestSummary> {
  let done1 = 0;
  let done2 = 0;
  const progress = () => opts.onProgress?.(done1 + done2, size);
  const req: PartRequest = { path, start: cut, end: size, probes, fieldAliases: opts.fieldAliases, maxLineBytes: opts.maxLineBytes };
  const other = second(req, (bytes) => {
    done2 = bytes;
    progress();
  });
  // a failed second part must not leave an unhandled rejection while the first is still being read
  other.catch(() => undefined);
  const first = await readPart(path, { start: 0, end: cut }, builder, {
    signal: opts.signal,
    maxLineBytes: opts.maxLineBytes,
    chunkSize: opts.chunkSize,
    onProgress: (bytes) => {
      done1 = bytes;
      progress();
    },
  });
  let rest: PartResult;
  try {
    rest = await other;
  } catch (e) {
    if (!opts.signal?.aborted && !first.res.cancelled) throw e;
    // cancelled: what the first part read, marked so (as a cancelled single pass would be)
    first.res.cancelled = true;
    return readerSummary(path, 'ftrace', opts, first.acc, first.parser, first.res);
  }
  const lineOffset = first.res.lines;
  builder.joinPart(rest.builder, lineOffset);
  first.acc.join(rest.accounting, lineOffset);
  first.parser.joinTraits(rest.traits);
  const res = joinLineResults(first.res, rest.lines);
  return readerSummary(path, 'ftrace', opts, first.acc, first.parser, res);
}
