/**
 * The function_graph tracer's own text (`# tracer: function_graph`):
 *
 *   `[  abstime |] CPU) [ comm-pid    |] <call part>`      (funcgraph-abstime, funcgraph-proc optional)
 *
 * with the call part of graphCall.ts, plus the context-switch block that stands in for the task when
 * funcgraph-proc is off:
 *
 *    ------------------------------------------
 *    1)  migration/0-1   =>  sshd-1755
 *    ------------------------------------------
 *
 * Calls are rebuilt per CPU: entries are events named `funcgraph`, exits `funcgraph_exit` with the matched
 * entry's function and start. `/* name: body *\/` comments are the tracepoints enabled next to the graph;
 * any other comment is a trace_marker / trace_printk text (a `marker` named `tracing_mark_write`).
 * Without funcgraph-abstime there is no timestamp (`ts` = -1).
 */

import type { Accounting } from './accounting';
import { HASH, Interner, PIPE, RPAREN, indexOfByte, isDigit, parseTimestamp, skipSpaces, trimEnd } from './bytes';
import { TextResult, parseEventText } from './eventText';
import type { NameInfo } from './nameInfo';
import { splitFields } from './fields';
import { GraphLine, GraphNesting, GraphPart, parseGraphPart } from './graphCall';
import { newEvent, type LineParser } from './reader';
import type { RawEvent, ReadOptions } from './types';

const SWITCH_RE = /^\s*(\d+)\)\s+(.+)-(\d+)\s+=>\s+(.+)-(\d+)\s*$/;
const EVENT_NAME_RE = /^[A-Za-z_][\w.]*: /;

export class FuncgraphTextParser implements LineParser {
  tracer?: string;
  declaredCpus?: number;
  counter = false;
  private readonly names = new Interner<NameInfo>();
  private readonly comms = new Interner();
  private readonly part = new GraphPart();
  private readonly nesting = new GraphNesting();
  private readonly withFields: boolean;
  /** The task running on each CPU according to the last context-switch block. */
  private readonly current = new Map<number, { comm: string; pid: number }>();
  private sawAbstime = false;
  private sawProc = false;
  private irqs = 0;

  constructor(
    private readonly acc: Accounting,
    opts: ReadOptions,
  ) {
    this.withFields = opts.fields !== false;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    const acc = this.acc;
    let p = skipSpaces(buf, start, end);
    if (p >= end) {
      acc.blankLines++;
      return;
    }
    if (buf[p] === HASH) {
      acc.commentLines++;
      const m = /^# tracer: (\S+)/.exec(buf.toString('latin1', p, Math.min(end, p + 64)));
      if (m) this.tracer = m[1];
      return;
    }
    if (buf[p] === 45 /* - */ && isDashes(buf, p, trimEnd(buf, p, end))) {
      acc.parsedLines++; // the rule around a context-switch block
      return;
    }
    // optional abstime column: "   23.530997 |"
    let ts = -1;
    const bar = indexOfByte(buf, PIPE, p, Math.min(end, p + 32));
    const paren = indexOfByte(buf, RPAREN, p, Math.min(end, p + 32));
    if (bar !== -1 && (paren === -1 || bar < paren)) {
      ts = parseTimestamp(buf, p, trimEnd(buf, p, bar));
      if (ts < 0) return this.fail(buf, start, end, lineNo, 'bad timestamp column');
      this.sawAbstime = true;
      p = skipSpaces(buf, bar + 1, end);
    }
    // CPU column: "0)"
    let cpu = 0;
    const cs = p;
    while (p < end && isDigit(buf[p])) cpu = cpu * 10 + (buf[p++] - 48);
    if (p === cs || p >= end || buf[p] !== RPAREN) return this.fail(buf, start, end, lineNo, 'no "CPU)" column');
    p++;
    // context switch: " 1)  migration/0-1   =>  sshd-1755"
    const text = buf.toString('utf8', start, trimEnd(buf, start, end));
    if (indexOfByte(buf, PIPE, p, end) === -1) {
      const sw = SWITCH_RE.exec(text);
      if (sw) {
        this.current.set(cpu, { comm: sw[4].trim(), pid: Number(sw[5]) });
        acc.parsedLines++;
        return;
      }
      return this.fail(buf, start, end, lineNo, 'function_graph line without "|"');
    }
    // optional proc column: "  hmmtrac-375   |" (a duration column never has "-digits" before its bar)
    let comm = '';
    let pid = -1;
    const cur = this.current.get(cpu);
    if (cur) {
      comm = cur.comm;
      pid = cur.pid;
    }
    const bar2 = indexOfByte(buf, PIPE, p, end);
    const colS = skipSpaces(buf, p, bar2);
    const colE = trimEnd(buf, colS, bar2);
    if (colE > colS && isDigit(buf[colE - 1])) {
      let k = colE - 1;
      while (k > colS && isDigit(buf[k])) k--;
      if (buf[k] === 45 /* - */ && k > colS) {
        comm = this.comms.get(buf, colS, k);
        pid = Number(buf.toString('latin1', k + 1, colE));
        this.sawProc = true;
        p = bar2 + 1;
      }
    }
    const g = this.part;
    const t = parseGraphPart(buf, p, end, g);
    if (t === GraphLine.Fail) return this.fail(buf, start, end, lineNo, 'function_graph call not understood');
    acc.parsedLines++;
    if (t === GraphLine.IrqEnter || t === GraphLine.IrqExit) {
      this.irqs++;
      return;
    }
    const ev = newEvent(lineNo, offset, ts, cpu, pid, comm, this.withFields);
    if (t === GraphLine.Comment) this.comment(buf, ev, g.text);
    else if (t === GraphLine.Exit) {
      const open = this.nesting.exit(cpu, g.depth);
      ev.name = 'funcgraph_exit';
      ev.kind = 'funcgraph-exit';
      ev.system = 'ftrace';
      ev.graph = { func: open?.func ?? g.text, depth: g.depth, leaf: false };
      if (open && open.ts >= 0) ev.graph.startTs = open.ts;
    } else {
      const func = this.names.get(Buffer.from(g.text), 0, Buffer.byteLength(g.text));
      ev.name = 'funcgraph';
      ev.kind = 'funcgraph-entry';
      ev.system = 'ftrace';
      ev.graph = { func, depth: g.depth, leaf: t === GraphLine.Leaf };
      if (t === GraphLine.Entry) this.nesting.enter(cpu, func, g.depth, ts);
    }
    if (ev.graph) {
      if (g.durationNs >= 0) ev.graph.durationNs = g.durationNs;
      if (g.mark) ev.graph.mark = g.mark;
      ev.body = buf.toString('utf8', p, trimEnd(buf, p, end)).trim();
    }
    acc.event(ev);
  }

  /** `/* tlb_flush: pages:1 reason:... *\/` is an event printed in the graph; anything else a marker. */
  private comment(_buf: Buffer, ev: RawEvent, inner: string): void {
    if (EVENT_NAME_RE.test(inner)) {
      const b = Buffer.from(inner, 'utf8');
      if (parseEventText(b, 0, b.length, 'ftrace', this.withFields, this.names, ev) === TextResult.Event) return;
      if (this.withFields) for (const k of Object.keys(ev.fields)) delete ev.fields[k];
      ev.probe = undefined;
      ev.retFrom = undefined;
      ev.system = undefined;
    }
    ev.name = 'tracing_mark_write';
    ev.system = 'ftrace';
    ev.kind = 'marker';
    ev.body = inner;
    ev.message = inner;
    if (this.withFields) splitFields(inner, ev.fields);
  }

  private fail(buf: Buffer, start: number, end: number, lineNo: number, reason: string): void {
    this.acc.unparsed(lineNo, buf.toString('utf8', start, end), reason);
  }

  finish(): void {
    this.acc.drain(true);
  }

  detail(): string {
    const cols = [this.sawAbstime ? 'abstime' : '', this.sawProc ? 'proc' : '', this.irqs > 0 ? `${this.irqs} irq markers` : ''];
    const c = cols.filter((x) => x !== '').join(', ');
    return `function_graph text${c ? ` (${c})` : ''}`;
  }
}

function isDashes(buf: Buffer, s: number, e: number): boolean {
  if (e - s < 10) return false;
  for (let i = s; i < e; i++) if (buf[i] !== 45) return false;
  return true;
}
