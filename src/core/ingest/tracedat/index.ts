/**
 * trace-cmd trace.dat reader (v6 and v7; uncompressed, zlib or zstd). Owned by the trace.dat work (issue 8).
 *
 * Streams each CPU's ring-buffer pages from the file (one block or decompressed chunk per CPU in memory),
 * merges the CPUs by timestamp as `trace-cmd report` does (smallest timestamp first, ties to the lower CPU),
 * and emits RawEvents shaped like the text readers' events for the same lines.
 *
 * RawEvent.line is the 1-based ordinal of the record in that merged order (a kernel_stack record counts as
 * the next line of the event it belongs to, like the ` => ` lines of text). RawEvent.offset is the byte
 * offset of the record's event header in the file; for compressed (v7 zlib/zstd) data, where a record has no
 * position in the file, it is the offset of the compressed chunk that holds it.
 *
 * Errors in the metadata (wrong magic, unknown section, truncated header sections) raise TraceInputError with
 * the file and byte offset. Errors inside trace data (truncated or corrupt chunk/page) stop the read: the
 * events already emitted stay with the sink and summary.warnings says what stopped the read and where.
 *
 * Shape of the events, chosen to match what the text readers produce from `trace-cmd report` output:
 * - body: the event rendered as trace-cmd report prints it (print fmt, or the libtraceevent plugin for
 *   tlb_flush and sched_switch/wakeup); fields are split from that body by the text readers' splitter.
 * - trace_marker writes: kind `marker`, name `tracing_mark_write`, body = message = the text.
 * - kernel_stack records are attached to the previous event of the same CPU (stack, lineCount); a
 *   function_graph entry whose exit is the next record overall becomes one leaf call, as trace-cmd prints.
 * - function events render as `func <-- parent` (trace-cmd's `-O parent=1` form).
 * - trace instances (`record -B`) are merged into the one timeline, as trace-cmd report does.
 * - unlike libtraceevent, an address just past the last kallsyms symbol (often a module's last function)
 *   still resolves for ProbeSite; bodies for such %ps addresses then show the symbol instead of 0x...
 */

import { readMeta, type BufferInstance, type TraceDatMeta } from './container';
import { RecordDecoder } from './decodeRecord';
import { DatFile } from './fileAccess';
import { CpuReader } from './ringBuffer';
import type { RecordView } from './recordData';
import { TraceInputError, type EventSink, type IngestSummary, type RawEvent, type ReadOptions } from '../types';

/** Clocks whose timestamps are raw counters rather than ns (trace-cmd report prints them without a dot). */
const COUNTER_CLOCKS = new Set(['x86-tsc', 'counter', 'ppc-tb', 'arm64-cntvct']);

export async function readTraceDat(path: string, sink: EventSink, opts: ReadOptions = {}): Promise<IngestSummary> {
  const f = await DatFile.open(path);
  try {
    const meta = await readMeta(f);
    return await readEvents(f, meta, sink, opts);
  } finally {
    await f.close();
  }
}

export function describe(meta: TraceDatMeta): string {
  const parts = [
    meta.version === 7 ? `compression ${meta.compression}` : 'uncompressed',
    meta.little ? 'little-endian' : 'big-endian',
    `${meta.longSize * 8}-bit long`,
    `${meta.pageSize}-byte pages`,
    `clock ${meta.clock}`,
  ];
  if (meta.tracecmdVersion) parts.push(`trace-cmd ${meta.tracecmdVersion.split(/\s/)[0]}`);
  const inst = meta.buffers.filter((b) => b.name !== '').map((b) => b.name);
  if (inst.length) parts.push(`instances ${inst.join(', ')}`);
  return `trace.dat v${meta.version} (${parts.join(', ')})`;
}

function toNs(meta: TraceDatMeta, raw: number): number {
  let ts = raw;
  if (meta.tsc2nsec && meta.tsc2nsec.mult) {
    // mul_u64_u32_shr(ts, mult, shift), as trace-cmd's timestamp_calc() does for x86-tsc with TSC2NSEC
    ts = Number((BigInt(raw) * BigInt(meta.tsc2nsec.mult)) >> BigInt(meta.tsc2nsec.shift));
  }
  return ts + meta.tsOffset;
}

async function readEvents(f: DatFile, meta: TraceDatMeta, sink: EventSink, opts: ReadOptions): Promise<IngestSummary> {
  const counter = COUNTER_CLOCKS.has(meta.clock) && !meta.tsc2nsec;
  const summary: IngestSummary = {
    file: f.path, format: 'trace-dat', formatDetail: describe(meta), clock: counter ? 'counter' : 'ns',
    declaredCpus: meta.cpus || undefined, bytes: f.size, lines: 0, parsedLines: 0, unparsedLines: 0, commentLines: 0,
    blankLines: 0, events: 0, unparsedSamples: [], overlongLines: 0, lost: [], lostEvents: 0, outOfOrder: 0,
    warnings: [...meta.warnings], cancelled: false,
  };
  const wantFields = opts.fields !== false;
  // the traced kernel's long size is the size of header_page's `commit` (local_t); the header's long size
  // byte describes trace-cmd's user space, which can differ (32-bit trace-cmd on a 64-bit kernel)
  const kernelLong = meta.headerPage.commitSize === 4 ? 4 : 8;
  const decoder = new RecordDecoder({
    formats: meta.formats, cmdlines: meta.cmdlines, syms: meta.kallsyms, printk: meta.printk,
    longSize: kernelLong, little: meta.little, fields: wantFields,
  });
  const buffers = meta.buffers.filter((b) => !b.latency);
  for (const b of meta.buffers) {
    if (b.latency) summary.warnings.push(`latency (text) buffer "${b.name}" is not read: ${b.latency.size} bytes of ASCII trace`);
  }
  if (buffers.length === 0) summary.warnings.push('the file holds no flyrecord (ring-buffer) data');
  const readers = makeReaders(f, meta, buffers, opts.chunkSize);
  const total = readers.reduce((s, r) => s + r.size, 0);
  const live: CpuReader[] = [];
  const view: RecordView = { buf: Buffer.alloc(0), start: 0, len: 0, little: meta.little, longSize: kernelLong };
  let lastTs = -Infinity;
  let lastProgress = 0;
  try {
    for (const r of readers) if (await r.reader.advance()) live.push(r.reader);
    while (live.length > 0) {
      if (opts.signal?.aborted) {
        summary.cancelled = true;
        break;
      }
      // pick the CPU with the smallest pending timestamp; ties go to the earlier CPU (trace-cmd's order)
      let bi = 0;
      for (let i = 1; i < live.length; i++) if (live[i]!.ts < live[bi]!.ts) bi = i;
      const rd = live[bi]!;
      const line = summary.lines + 1;
      if (rd.lostBefore !== 0) {
        summary.lost.push({ cpu: rd.cpu, count: rd.lostBefore > 0 ? rd.lostBefore : undefined, line });
        if (rd.lostBefore > 0) summary.lostEvents += rd.lostBefore;
      }
      view.buf = rd.buf;
      view.start = rd.recStart;
      view.len = rd.recLen;
      const ts = toNs(meta, rd.ts);
      const ev = decoder.decode(view, ts, rd.cpu, line, rd.recOffset);
      summary.lines++;
      if (!ev) {
        const head = view.buf.toString('hex', view.start, Math.min(view.start + 32, view.start + view.len));
        unparsed(summary, line, `event id ${decoder.typeOf(view)} has no format in the file`, `record at byte offset ${rd.recOffset}, ${view.len} bytes: ${head}`);
        await step(rd, live, bi);
        continue;
      }
      summary.parsedLines++;
      const entry = ev.kind === 'funcgraph-entry' ? decoder.entryOf(view) : undefined;
      let more = await step(rd, live, bi);
      let joined = false;
      // records that belong to this event follow it on the same CPU: its kernel stack, or the exit that
      // closes a function_graph call with no children (trace-cmd prints those as one `func();` line).
      // Stats mode consumes them the same way, so both modes count the same events.
      while (more && rd.lostBefore === 0) {
        view.buf = rd.buf;
        view.start = rd.recStart;
        view.len = rd.recLen;
        const id = decoder.typeOf(view);
        if (decoder.isKernelStack(id)) {
          if (wantFields) ev.stack = (ev.stack ?? []).concat(decoder.stackFrames(view));
        } else if (entry && !joined && decoder.isFuncgraphExit(id) && isNextOverall(rd, live)) {
          const exit = decoder.exitOf(view);
          if (!exit || exit.depth !== entry.depth || exit.func !== entry.func) break;
          joined = true;
          if (ev.graph) {
            ev.graph.leaf = true;
            ev.graph.durationNs = exit.durationNs;
            ev.body = `${'  '.repeat(Math.max(0, ev.graph.depth))}${ev.graph.func}(); (${(exit.durationNs / 1000).toFixed(3)} us)`;
          }
        } else break;
        ev.lineCount++;
        summary.lines++;
        summary.parsedLines++;
        more = await step(rd, live, live.indexOf(rd));
      }
      emit(summary, ev, sink);
      if (ev.ts < lastTs) summary.outOfOrder++;
      lastTs = ev.ts;
      if (opts.onProgress && summary.events - lastProgress >= 65536) {
        lastProgress = summary.events;
        opts.onProgress(readers.reduce((s, r) => s + r.reader.bytesDone, 0), total);
      }
    }
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    summary.warnings.push(`read stopped after ${summary.events} events: ${e.message}`);
  }
  opts.onProgress?.(readers.reduce((s, r) => s + r.reader.bytesDone, 0), total);
  return summary;
}

function emit(summary: IngestSummary, ev: RawEvent, sink: EventSink): void {
  summary.events++;
  if (summary.firstTs === undefined) summary.firstTs = ev.ts;
  summary.lastTs = ev.ts;
  sink(ev);
}

/**
 * Whether the reader's pending record is the next one in merged order. trace-cmd joins a function_graph
 * entry with its exit into one `func();` line only when the exit is the very next record it would print.
 */
function isNextOverall(rd: CpuReader, live: CpuReader[]): boolean {
  const idx = live.indexOf(rd);
  for (let i = 0; i < live.length; i++) {
    const o = live[i]!;
    if (o !== rd && (o.ts < rd.ts || (o.ts === rd.ts && i < idx))) return false;
  }
  return true;
}

/** Advances a reader; removes it from the live set at its end. Returns whether it still has a record. */
async function step(rd: CpuReader, live: CpuReader[], idx: number): Promise<boolean> {
  if (rd.advanceSync() || (await rd.advance())) return true;
  live.splice(idx, 1);
  return false;
}

function unparsed(summary: IngestSummary, line: number, reason: string, text: string): void {
  summary.unparsedLines++;
  if (summary.unparsedSamples.length < 20) summary.unparsedSamples.push({ line, text, reason });
}

function makeReaders(f: DatFile, meta: TraceDatMeta, buffers: BufferInstance[], chunkSize?: number): { reader: CpuReader; size: number }[] {
  const out: { reader: CpuReader; size: number }[] = [];
  const cpuCount = buffers.reduce((s, b) => s + b.cpus.length, 0) || 1;
  // bound memory: about 16 MiB of read blocks in total, at least 4 pages and at most 1 MiB per CPU
  const perCpu = Math.max(4 * meta.pageSize, Math.min(chunkSize ?? 1 << 20, Math.floor((16 << 20) / cpuCount)));
  const blockBytes = Math.floor(perCpu / meta.pageSize) * meta.pageSize;
  for (const b of buffers) {
    for (const c of b.cpus) {
      if (c.size === 0) continue;
      const codec = b.compressed ? meta.codec : undefined;
      out.push({
        reader: new CpuReader(f, c, c.cpu, meta.headerPage, meta.pageSize, meta.little, meta.headerPage.commitSize, codec, blockBytes),
        size: c.size,
      });
    }
  }
  return out;
}
