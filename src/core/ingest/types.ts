/**
 * The ingestion contract: what every reader (ftrace text, function_graph, trace-cmd report, perf script,
 * dmesg/driver logs, trace.dat) produces. Decode, model, detect, the CLI and the extension only ever see
 * these types, never a format's text.
 *
 * Rules every reader follows:
 * - Streams the file from a handle in chunks; never holds the whole file as one string.
 * - Accounts for every line: parsedLines + unparsedLines + commentLines + blankLines === lines.
 *   (Stack frames, callchain lines, function_graph `}` lines and other continuation lines are parsed lines
 *   that belong to an event; they are not events of their own unless said below.)
 * - Never drops an event because its name is unknown.
 * - Timestamps are integer nanoseconds (`number`; exact below 2^53 ns ≈ 104 days of uptime). Counter clocks
 *   (`x86-tsc`, `counter`) keep the raw counter value and set `IngestSummary.clock` accordingly.
 * - Keeps file order; out-of-order timestamps are counted (`outOfOrder`), never re-sorted.
 */

export type TraceFormat =
  | 'ftrace'
  | 'ftrace-function-graph'
  | 'trace-cmd-report'
  | 'perf-script'
  | 'dmesg'
  | 'trace-dat';

/** How the reader understood an event line. */
export type RawEventKind =
  /** `name: TP_printk body`, including names we do not know and trace_printk from a function. */
  | 'tracepoint'
  /** kprobe / fprobe entry: `(sym+0x0/0x190) key=value ...` or, in trace-cmd/perf, `(ffffffff812df454) ...` */
  | 'kprobe'
  /** kretprobe / fprobe exit: `(caller+0x1c3/0x6f0 [mod] <- callee) ret=...` or `(ffff... <- ffff...)` */
  | 'kretprobe'
  /** function tracer: `func <-parent` (ftrace) or `function: func <-- parent` (trace-cmd) */
  | 'function'
  /** function_graph: a call entry (`func() {`) or a leaf (`func();`); name is 'funcgraph' (text tracer)
   * or 'funcgraph_entry' (trace-cmd form) */
  | 'funcgraph-entry'
  /** function_graph: a return (`}`); name is 'funcgraph_exit'. `graph.func` is resolved from the
   * per-CPU nesting when the line does not print it. */
  | 'funcgraph-exit'
  /** user annotation: `tracing_mark_write: text`, trace-cmd `print: tracing_mark_write: text`,
   * function_graph `/* text *\/` comments */
  | 'marker'
  /** syscall tracepoints: `sys_mmap(addr: 0, ...)`, `sys_mmap -> 0x7f..`, `sys_enter_mmap: ...`, `sys_exit_mmap: ...` */
  | 'syscall-enter'
  | 'syscall-exit'
  /** a driver log line (dmesg / journalctl -k / printk:console): nouveau, amdkfd, xe, test_hmm, ... */
  | 'driver-log';

/** Where a probe fired, as printed. Text ftrace prints symbols; trace-cmd and perf print raw addresses. */
export interface ProbeSite {
  /** Symbol without offset, e.g. `__mmu_notifier_invalidate_range_start`, `dmirror_migrate_to_device.constprop.0`. */
  symbol?: string;
  /** Offset into the symbol in bytes (`+0x1c3`). */
  offset?: number;
  /** Symbol size from `/0x6f0`. */
  size?: number;
  /** Module from ` [test_hmm]`. */
  module?: string;
  /** Raw address as printed, lower-case hex without `0x` (trace-cmd / perf form). */
  address?: string;
}

export interface FuncgraphCall {
  /** Function name (with compiler suffixes such as `.constprop.0` kept). */
  func: string;
  /** Nesting depth from the indentation (0 = outermost). */
  depth: number;
  /** Duration in ns when printed on this line (leaves and exits). */
  durationNs?: number;
  /** Overhead mark `+ ! # * @ $` when printed. */
  mark?: string;
  /** true for `func();` (entry and exit on one line). */
  leaf: boolean;
  /** Exits: timestamp of the matching entry when it was in the trace (the call's start). */
  startTs?: number;
}

export interface RawEvent {
  /** 1-based line number of the event's first line (trace.dat: 1-based ordinal of the record). */
  line: number;
  /** Byte offset of that line in the file (trace.dat: byte offset of the record). */
  offset: number;
  /** Number of lines the event spans, including attached stack/callchain lines (>= 1). */
  lineCount: number;
  /** Timestamp in integer ns (counter clocks: the raw counter). */
  ts: number;
  /** CPU number; -1 when the format has none (dmesg). */
  cpu: number;
  /** Thread id as printed (ftrace `comm-PID`, perf `pid/tid` → tid). 0 for idle; -1 when unknown. */
  pid: number;
  /** Thread group id when the trace carries it (ftrace `(TGID)` column, perf `pid/tid` → pid). */
  tgid?: number;
  /** Task name as printed (untrusted text: may contain anything, including markup). `<...>` kept verbatim. */
  comm: string;
  /** Latency flags as printed (`d..2.`), when present. */
  flags?: string;
  /** Event name without system: tracepoint/probe name as printed (`mn_start`, `remove_migration_pte`),
   * `function`, `funcgraph`, `tracing_mark_write`, syscall names as printed (`sys_mmap`, `sys_enter_mmap`),
   * driver logs: the driver (`nouveau`, `amdkfd`, `xe`, `test_hmm`, `kernel`). */
  name: string;
  /** Event system when printed (perf `kprobes:mn_start` → `kprobes`) or known. */
  system?: string;
  kind: RawEventKind;
  /** kprobe: the probed site; kretprobe: the return site (the caller: left of `<-` in tracefs text,
   * right of it in trace-cmd/perf, whose print fmt is `(%lx <- %lx)` = func, ret_ip); function tracer:
   * the traced function. */
  probe?: ProbeSite;
  /** kretprobe: the function that returned (right of `<-` in tracefs text, left in trace-cmd/perf). */
  retFrom?: ProbeSite;
  /** function tracer: the parent (`<-parent`). */
  parent?: ProbeSite;
  /** function_graph call details. */
  graph?: FuncgraphCall;
  /** Everything after `name: ` verbatim (untrusted text). */
  body: string;
  /** `key=value` pairs of the body, values as written (quotes removed). Syscall args `name: value` too;
   * `tlb_flush` `pages:-1 reason:...` too. Empty object when the body has none. */
  fields: Record<string, string>;
  /** marker / driver-log: the message text without the writer prefix (`tracing_mark_write: `, dmesg
   * timestamp, `nouveau 0000:01:00.0: DRM: `). Untrusted text. */
  message?: string;
  /** driver-log: the driver that printed it (`nouveau`, `amdkfd`, `xe`, `test_hmm`, `kernel`). */
  driver?: string;
  /** Stack frames attached to this event (` => sym` lines, perf callchains), innermost first, as printed
   * (`dmirror_interval_invalidate+0x1 [test_hmm]`, `migrate_vma_setup`). */
  stack?: string[];
}

/** A line we could not understand, kept for the user. */
export interface UnparsedSample {
  line: number;
  text: string;
  /** Why, in one short phrase. */
  reason?: string;
}

export interface LostEvents {
  cpu: number;
  /** undefined when the trace says `[LOST EVENTS]` without a count. */
  count?: number;
  line: number;
}

/** What a whole read saw, returned when the stream ends (also on cancellation, with `cancelled: true`). */
export interface IngestSummary {
  file: string;
  format: TraceFormat;
  /** Human-readable detail of what was recognised, e.g. `ftrace text (nop tracer, irq-info, 5 flags)`. */
  formatDetail: string;
  /** `# tracer: X` when known. */
  tracer?: string;
  /** Clock kind: `ns` for secs.usecs clocks, `counter` for raw counter clocks. */
  clock: 'ns' | 'counter';
  /** `#P:N` / `cpus=N` when the file says so. */
  declaredCpus?: number;
  bytes: number;
  lines: number;
  parsedLines: number;
  unparsedLines: number;
  commentLines: number;
  blankLines: number;
  events: number;
  /** The first 20 unparsed lines with their text (capped to 500 characters each). */
  unparsedSamples: UnparsedSample[];
  /** Lines longer than the cap (default 1 MiB): counted, truncated for parsing, never a crash. */
  overlongLines: number;
  lost: LostEvents[];
  /** Sum of known LOST counts (unknown counts add 0 here and appear in `lost`). */
  lostEvents: number;
  /** `##### CPU N buffer started ####` annotations: that CPU's buffer begins here (older data was
   * overwritten), so state before this line on that CPU is unknown. */
  bufferStarts?: { cpu: number; line: number }[];
  /** Events whose timestamp is earlier than the previous event's (file order is kept). */
  outOfOrder: number;
  firstTs?: number;
  lastTs?: number;
  /** Non-fatal problems worth one line to the user (mixed formats, NUL bytes, invalid UTF-8, ...). */
  warnings: string[];
  cancelled: boolean;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called at most every chunk with the bytes consumed so far. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Read size per chunk (default 1 MiB). */
  chunkSize?: number;
  /** Cap per line in bytes (default 1 MiB); longer lines are counted in `overlongLines`. */
  maxLineBytes?: number;
  /** When false, readers may leave `fields` empty and `body` unsplit (stats mode). Default true. */
  fields?: boolean;
  /** When false (counting only, e.g. `stats`), readers may also leave `body` empty, skip probe / parent /
   * graph details and stack frames (lineCount then stays 1), and deliver events without holding them for
   * stacks. line, offset, ts, cpu, pid, tgid, comm, flags, name, system and kind are still exact.
   * The event object may be reused for the next event once the sink returns: copy what you keep.
   * Default true. */
  bodies?: boolean;
  /**
   * true: the sink reads what it needs of an event while it is called, and keeps neither the event nor its
   * body or fields afterwards unless it copied them (the model build). The ftrace / trace-cmd text reader then
   * leaves bodies as bytes of its read buffer until read (no string per event). Default false.
   */
  transient?: boolean;
  /**
   * Read only bytes [start, end) of the file; both must be line starts (the parallel model build gives
   * each thread its part of a large trace). Line numbers then count from the range's first line.
   */
  range?: { start: number; end: number };
}

/** Receives events in file order. Must not keep the object if it wants to mutate it. */
export type EventSink = (ev: RawEvent) => void;

/** Raised for input that is not a trace at all, or cannot be read: carries file and line. */
export class TraceInputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line !== undefined ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'TraceInputError';
  }
}

/** Formats integer ns as seconds with exactly 9 decimals, without float drift (`5.899594000`). */
export function formatTs(ns: number): string {
  const neg = ns < 0;
  const abs = Math.abs(ns);
  const secs = Math.floor(abs / 1e9);
  const frac = abs - secs * 1e9;
  return `${neg ? '-' : ''}${secs}.${String(frac).padStart(9, '0')}`;
}
