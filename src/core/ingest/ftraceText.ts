/**
 * tracefs text (`trace`, `trace_pipe`, per-CPU and instance buffers) and `trace-cmd report` text: the same
 * line grammar, a context prefix (see context.ts) then the event (eventText.ts), plus:
 *
 * - `#` header lines (tracer, `#P:N`, the column help telling irq-info / TGID / latency format);
 * - trace-cmd's preamble `cpus=N`, `version = N`, `CPU N is empty`;
 * - `CPU:N [LOST N EVENTS]` / `CPU:N [LOST EVENTS]` (kernel), `CPU:N [N EVENTS DROPPED]`,
 *   `CPU:N [EVENTS DROPPED]`, `CPU:N [SUBBUFFER START]` (trace-cmd);
 * - `##### CPU N buffer started ####` (options/annotate: this CPU's older data was overwritten);
 * - `<stack trace>` then ` => frame` lines (trace-cmd: `=> frame (ffffffff...)`), attached to the event
 *   printed just before on the same CPU;
 * - continuation lines of TP_printk formats with `\n` (amdgpu_vm_update_ptes ends in `dst:\n%s`).
 */

import type { Accounting } from './accounting';
import { HASH, Interner, LBRACK, indexOfByte, skipSpaces, startsWithAscii, trimEnd } from './bytes';
import { ContextShape, LineContext, bracketContext, parseLatencyContext, parseTimeAt } from './context';
import { PrefixCache } from './contextPrefix';
import { classifyEventBytes } from './eventBytes';
import { TextResult, parseEventText, type TextStyle } from './eventText';
import { NameGuess } from './nameGuess';
import type { NameInfo } from './nameInfo';
import { GraphLine, GraphNesting, GraphPart, parseGraphPart } from './graphCall';
import { newEvent, type LineParser } from './reader';
import { StackFree } from './stackFree';
import { TextEvent } from './textEvent';
import type { RawEvent, ReadOptions } from './types';

const LOST_RE = /^CPU:(\d+) \[(?:LOST (\d+) EVENTS|LOST EVENTS|(\d+) EVENTS DROPPED|EVENTS DROPPED|SUBBUFFER START)\]$/;
const BUFFER_STARTED_RE = /^#{5} CPU (\d+) buffer started #{4}$/;

/** Layout facts a parser learns from the lines themselves (see FtraceTextParser.traits). */
export interface FtraceTraits {
  counter: boolean;
  flagWidths: number[];
  sawTgid: boolean;
  sawLatency: boolean;
}

export class FtraceTextParser implements LineParser {
  tracer?: string;
  declaredCpus?: number;
  counter = false;
  private readonly ctx = new LineContext();
  private readonly prefixes = new PrefixCache();
  private readonly comms = new Interner();
  private readonly names = new Interner<NameInfo>();
  /** Event names by the first bytes of the event text (nameGuess.ts). */
  private readonly guess = new NameGuess<NameInfo>();
  /** Stack frame texts; an entry's data: whether the text has no '[' (see knownFrame). */
  private readonly frames = new Interner<boolean>();
  private readonly withFields: boolean;
  /** false: counting only (see ReadOptions.bodies). */
  private readonly bodies: boolean;
  /** Bodies stay bytes of the read buffer until read (ReadOptions.transient; see release). */
  private readonly transient: boolean;
  /** Counting only: inside a `<stack trace>` block, whose frames are counted but not kept. */
  private inStack = false;
  /** Counting only: per CPU, whether the last event there could still take a `<stack trace>`. */
  private readonly stackFree = new StackFree();
  private readonly scratch: RawEvent = newEvent(0, 0, 0, 0, 0, '', false);
  private readonly graph = new GraphPart();
  private readonly nesting = new GraphNesting();
  /** Event receiving ` => frame` lines, until the next context line. */
  private stackTarget: RawEvent | undefined;
  /** Event whose body may continue on lines without a context prefix. */
  private continues: RawEvent | undefined;
  private flagWidths = new Set<number>();
  /** The flag width added last (lines repeat it: a Set insert per line is not free). */
  private lastFlagWidth = -1;
  private sawTgid = false;
  private sawLatency = false;
  private headerIrqInfo: boolean | undefined;

  constructor(
    private readonly acc: Accounting,
    opts: ReadOptions,
    private readonly style: Exclude<TextStyle, 'perf'>,
  ) {
    this.bodies = opts.bodies !== false;
    this.withFields = opts.fields !== false && this.bodies;
    this.transient = opts.transient === true && this.bodies;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    const ctx = this.ctx;
    // most context lines start with a prefix seen a few lines before: only the timestamp is left to read
    // (` => sym` frame lines, half the lines of a trace with stacks, do not look)
    const prefix = buf[start + 1] === 61 /* = */ ? undefined : this.prefixes.find(buf, start, end);
    if (prefix !== undefined && parseTimeAt(buf, start + prefix.run.length, end, ctx)) {
      prefix.apply(start, ctx);
      this.contextLine(buf, end, lineNo, offset, prefix.comm, prefix.flags);
      return;
    }
    const acc = this.acc;
    const s = skipSpaces(buf, start, end);
    if (s >= end) {
      acc.blankLines++;
      return;
    }
    const c = buf[s];
    if (c === HASH) {
      acc.commentLines++;
      this.header(buf.toString('utf8', s, trimEnd(buf, s, end)), lineNo);
      return;
    }
    const known = c === 61 /* = */ && buf[s + 1] === 62 /* > */ ? this.knownFrame(buf, s + 2, end) : undefined;
    if (known !== undefined) {
      this.frame(buf, s + 2, end, lineNo, known);
      return;
    }
    const shape = bracketContext(buf, s, end, ctx);
    if (shape !== ContextShape.None || ((c !== 61 /* = */ && parseLatencyContext(buf, s, end, ctx)) && this.latency())) {
      const comm = this.comms.get(buf, ctx.commStart, ctx.commEnd);
      let flags: string | undefined;
      if (ctx.flagsEnd > ctx.flagsStart) {
        flags = this.names.get(buf, ctx.flagsStart, ctx.flagsEnd);
        const w = ctx.flagsEnd - ctx.flagsStart;
        if (w !== this.lastFlagWidth) {
          this.flagWidths.add(w);
          this.lastFlagWidth = w;
        }
      }
      if (shape === ContextShape.Common) this.prefixes.keep(buf, start, ctx, comm, flags);
      this.contextLine(buf, end, lineNo, offset, comm, flags);
      return;
    }
    if (c === 61 /* = */ && buf[s + 1] === 62 /* > */) {
      this.frame(buf, s + 2, end, lineNo);
      return;
    }
    if (c === 67 /* C */ && startsWithAscii(buf, s, end, 'CPU')) {
      const text = buf.toString('latin1', s, trimEnd(buf, s, end));
      const m = LOST_RE.exec(text);
      if (m) {
        acc.parsedLines++;
        if (!text.endsWith('SUBBUFFER START]')) {
          const n = m[2] ?? m[3];
          acc.lostMarker(Number(m[1]), n === undefined ? undefined : Number(n), lineNo);
        }
        return;
      }
      if (/^CPU \d+ is empty$/.test(text)) {
        acc.commentLines++;
        return;
      }
    }
    if (this.style === 'tracecmd' && lineNo <= 64) {
      const text = buf.toString('latin1', s, trimEnd(buf, s, end));
      const cpus = /^cpus=(\d+)$/.exec(text);
      if (cpus || /^version = \S+$/.test(text) || /^trace-cmd: /.test(text)) {
        if (cpus) this.declaredCpus = Number(cpus[1]);
        acc.commentLines++;
        return;
      }
    }
    const cont = this.continues;
    if (cont !== undefined) {
      if (this.bodies) cont.body += `\n${buf.toString('utf8', start, trimEnd(buf, start, end))}`;
      cont.lineCount++;
      acc.parsedLines++;
      return;
    }
    this.stackTarget = undefined;
    this.inStack = false;
    acc.unparsed(lineNo, buf.toString('utf8', start, end), 'no "comm-pid [cpu] timestamp:" context');
  }

  /** Counting only: one event object for every line, reset to a stable shape (see ReadOptions.bodies). */
  private reuse(lineNo: number, offset: number, comm: string): RawEvent {
    const ev = this.scratch;
    const ctx = this.ctx;
    ev.line = lineNo;
    ev.offset = offset;
    ev.ts = ctx.ts;
    ev.cpu = ctx.cpu;
    ev.pid = ctx.pid;
    ev.comm = comm;
    ev.tgid = undefined;
    ev.flags = undefined;
    ev.system = undefined;
    ev.probe = undefined;
    ev.retFrom = undefined;
    ev.parent = undefined;
    ev.graph = undefined;
    ev.message = undefined;
    ev.body = '';
    return ev;
  }

  private latency(): boolean {
    this.sawLatency = true;
    return true;
  }

  /** A line with a context (in ctx), whose task name and flags are `comm` and `flags`. */
  private contextLine(buf: Buffer, end: number, lineNo: number, offset: number, comm: string, flags: string | undefined): void {
    const ctx = this.ctx;
    const acc = this.acc;
    this.stackTarget = undefined;
    this.continues = undefined;
    if (ctx.counter) this.counter = true;
    const ev = this.bodies ? new TextEvent(lineNo, offset, ctx.ts, ctx.cpu, ctx.pid, comm, this.withFields) : this.reuse(lineNo, offset, comm);
    if (ctx.tgid >= 0) {
      this.sawTgid = true;
      if (ctx.tgid > 0) ev.tgid = ctx.tgid;
    }
    if (flags !== undefined) ev.flags = flags;
    this.inStack = false;
    const r = this.bodies
      ? parseEventText(buf, ctx.rest, end, this.style, this.withFields, this.names, ev, this.transient, this.guess)
      : classifyEventBytes(buf, ctx.rest, end, this.style, this.names, ev, this.guess);
    if (r === TextResult.Event) {
      acc.parsedLines++;
      if (!this.bodies) this.stackFree.set(ev.cpu, true);
      acc.event(ev);
      // a TP_printk that ends in ':' (amdgpu's "dst:\n%s") continues on the next lines
      if (ev.kind === 'tracepoint' && (ev instanceof TextEvent ? ev.bodyEndsWith(58) : buf[trimEnd(buf, ctx.rest, end) - 1] === 58)) {
        this.continues = ev;
      }
      return;
    }
    if ((r === TextResult.Stack || r === TextResult.UserStack) && !this.bodies) {
      // same ownership rule as below, tracked without holding events
      const free = this.stackFree.get(ctx.cpu);
      if (free === true || (free === false && r === TextResult.UserStack)) {
        acc.parsedLines++;
        if (r === TextResult.Stack) this.stackFree.set(ctx.cpu, false);
        this.inStack = true;
        return;
      }
      ev.name = 'kernel_stack';
      ev.system = 'ftrace';
      ev.kind = 'tracepoint';
      acc.parsedLines++;
      acc.event(ev);
      this.stackFree.set(ctx.cpu, false);
      this.inStack = true;
      return;
    }
    if (r === TextResult.Stack || r === TextResult.UserStack) {
      acc.parsedLines++;
      const owner = acc.stackOwner(ctx.cpu);
      if (owner && r === TextResult.Stack && owner.stack === undefined) {
        owner.stack = [];
        owner.lineCount++;
        this.stackTarget = owner;
      } else if (owner && r === TextResult.UserStack) {
        // user frames go after the kernel ones, marked so decode can tell them apart
        owner.stack ??= [];
        owner.lineCount++;
        this.stackTarget = owner;
      } else {
        // its event is not in the trace (wrapped out, or filtered): keep the stack as an event of its own
        ev.name = 'kernel_stack';
        ev.system = 'ftrace';
        ev.kind = 'tracepoint';
        ev.body = r === TextResult.Stack ? '<stack trace>' : '<user stack trace>';
        ev.stack = [];
        acc.event(ev);
        this.stackTarget = ev;
      }
      return;
    }
    if (r === TextResult.Funcgraph) {
      if (this.graphEvent(ev)) {
        acc.parsedLines++;
        if (!this.bodies) this.stackFree.set(ev.cpu, true);
        acc.event(ev);
        return;
      }
    }
    acc.unparsed(lineNo, buf.toString('utf8', ctx.commStart, end), 'event text not understood');
  }

  /** trace-cmd's funcgraph_entry / funcgraph_exit: the body is the graph call part. */
  private graphEvent(ev: RawEvent): boolean {
    const body = Buffer.from(ev.body, 'utf8');
    const g = this.graph;
    const t = parseGraphPart(body, 0, body.length, g);
    if (ev.name === 'funcgraph_entry' && (t === GraphLine.Entry || t === GraphLine.Leaf)) {
      ev.kind = 'funcgraph-entry';
      ev.graph = { func: g.text, depth: g.depth, leaf: t === GraphLine.Leaf };
      if (g.durationNs >= 0) ev.graph.durationNs = g.durationNs;
      if (g.mark) ev.graph.mark = g.mark;
      if (t === GraphLine.Entry) this.nesting.enter(ev.cpu, g.text, g.depth, ev.ts);
      return true;
    }
    if (ev.name === 'funcgraph_exit' && t === GraphLine.Exit) {
      const open = this.nesting.exit(ev.cpu, g.depth);
      ev.kind = 'funcgraph-exit';
      ev.graph = { func: open?.func ?? g.text, depth: g.depth, leaf: false };
      if (open) ev.graph.startTs = open.ts;
      if (g.durationNs >= 0) ev.graph.durationNs = g.durationNs;
      if (g.mark) ev.graph.mark = g.mark;
      return true;
    }
    return false;
  }

  /**
   * The interned text of a ` => sym` line when it cannot be a context line: a context needs a `[` and the
   * text has none (decided once per distinct frame), so the context scans are skipped on half the lines of a
   * trace with stacks. undefined: the usual order decides (context first, then frame).
   */
  private knownFrame(buf: Buffer, s: number, end: number): string | undefined {
    const fs = skipSpaces(buf, s, end);
    const fe = trimEnd(buf, s, end);
    if (fe <= fs || fe - fs > 64 || buf[fe - 1] === 41 /* ) */) return undefined;
    const entry = this.frames.entry(buf, fs, fe);
    if (entry.data === undefined) entry.data = indexOfByte(buf, LBRACK, fs, fe) === -1;
    return entry.data ? entry.str : undefined;
  }

  /** ` => sym` (tracefs), `=> sym (ffffffff8100a38c)` (trace-cmd), ` =>  <00007f...>` (user stacks). */
  private frame(buf: Buffer, s: number, end: number, lineNo: number, known?: string): void {
    if (this.inStack) {
      this.acc.parsedLines++;
      return;
    }
    const target = this.stackTarget;
    if (!target || !target.stack) {
      this.acc.unparsed(lineNo, buf.toString('utf8', s - 2, end), 'stack frame without a <stack trace> line before it');
      return;
    }
    target.stack.push(known ?? this.frameText(buf, s, end));
    target.lineCount++;
    this.acc.parsedLines++;
  }

  /** The text of a frame not known yet (knownFrame), without trace-cmd's ` (address)`. */
  private frameText(buf: Buffer, s: number, end: number): string {
    const fs = skipSpaces(buf, s, end);
    const fe = trimEnd(buf, s, end);
    if (fe > fs && buf[fe - 1] === 41 /* ) */) {
      const text = buf.toString('utf8', fs, fe);
      const addr = / \(([0-9a-f]{8,16})\)$/.exec(text);
      return addr && addr.index > 0 ? text.slice(0, addr.index) : text;
    }
    // a trace repeats a few hundred frames millions of times: one string per distinct frame
    return this.frames.get(buf, fs, fe);
  }

  private header(text: string, lineNo: number): void {
    const started = BUFFER_STARTED_RE.exec(text);
    if (started) {
      if (this.acc.bufferStarts.length < 10000) this.acc.bufferStarts.push({ cpu: Number(started[1]), line: lineNo });
      return;
    }
    const tracer = /^# tracer: (\S+)/.exec(text);
    if (tracer) this.tracer = tracer[1];
    const p = /#P:(\d+)/.exec(text);
    if (p) this.declaredCpus = Number(p[1]);
    if (/TASK-PID/.test(text)) {
      this.headerIrqInfo = /\|\|\|\|/.test(text);
      if (/TGID/.test(text)) this.sawTgid = true;
    }
    if (/#\s+cmd\s+pid\s/.test(text)) this.sawLatency = true;
  }

  finish(): void {
    this.acc.drain(true);
  }

  /** Before `buf` is refilled (transient reads): the events still held or continued keep their text. */
  release(buf: Buffer): void {
    this.acc.detachHeld(buf);
    if (this.continues instanceof TextEvent) this.continues.detach(buf);
  }

  /** What this parser learnt about the text's layout, to be joined onto the parser of the part before. */
  traits(): FtraceTraits {
    return { counter: this.counter, flagWidths: [...this.flagWidths], sawTgid: this.sawTgid, sawLatency: this.sawLatency };
  }

  /** Joins the traits of the next part of the file (the header, tracer and CPU count are the first part's). */
  joinTraits(t: FtraceTraits): void {
    if (t.counter) this.counter = true;
    for (const w of t.flagWidths) this.flagWidths.add(w);
    if (t.sawTgid) this.sawTgid = true;
    if (t.sawLatency) this.sawLatency = true;
  }

  detail(): string {
    const parts: string[] = [];
    if (this.tracer) parts.push(`${this.tracer} tracer`);
    const widths = [...this.flagWidths].sort();
    if (widths.length > 0) parts.push(`irq-info, ${widths.join('/')} flags`);
    else if (this.headerIrqInfo === true) parts.push('irq-info');
    else parts.push('no irq-info');
    if (this.sawTgid) parts.push('tgid column');
    if (this.sawLatency) parts.push('latency format');
    if (this.counter) parts.push('counter clock');
    const what = this.style === 'tracecmd' ? 'trace-cmd report' : 'ftrace text';
    return parts.length > 0 ? `${what} (${parts.join(', ')})` : what;
  }
}
