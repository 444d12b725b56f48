/**
 * `perf script` default output for tracepoints and probes (tools/perf/builtin-script.c):
 *
 *   `%16s %7d[/%-7d] [%03d] %12s: [period] sys:event: body`
 *
 * comm and pid are separated by spaces only (comm may hold spaces), so the parse anchors on `[cpu]` and
 * takes the integer just before it as the pid (`pid/tid` → tgid/pid). With `-g`, callchain lines follow,
 * each `\t<addr> <sym>+<off> (<dso>)`, attached to the event above.
 */

import type { Accounting } from './accounting';
import { COLON, HASH, Interner, LBRACK, RBRACK, SLASH, TAB, indexOfByte, isDigit, isSpace, parseTimestamp, skipSpaces, trimEnd } from './bytes';
import { TextResult, parseEventText } from './eventText';
import type { NameInfo } from './nameInfo';
import { newEvent, type LineParser } from './reader';
import type { RawEvent, ReadOptions } from './types';

const CALLCHAIN_RE = /^([0-9a-f]+)\s+(.*?)(?:\s+\(([^)]*)\))?$/;

export class PerfScriptParser implements LineParser {
  tracer?: string;
  declaredCpus?: number;
  counter = false;
  private readonly names = new Interner<NameInfo>();
  private readonly comms = new Interner();
  private readonly withFields: boolean;
  private last: RawEvent | undefined;
  private sawTid = false;
  private sawChain = false;

  constructor(
    private readonly acc: Accounting,
    opts: ReadOptions,
  ) {
    this.withFields = opts.fields !== false;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    const acc = this.acc;
    const s = skipSpaces(buf, start, end);
    if (s >= end) {
      acc.blankLines++;
      return;
    }
    if (buf[s] === HASH) {
      acc.commentLines++;
      return;
    }
    if (buf[start] === TAB && this.last) {
      this.callchain(buf, s, end);
      return;
    }
    const ev = this.parse(buf, s, end, lineNo, offset);
    if (ev) {
      acc.parsedLines++;
      acc.event(ev);
      this.last = ev;
      return;
    }
    this.last = undefined;
    acc.unparsed(lineNo, buf.toString('utf8', start, end), 'not "comm pid [cpu] time: sys:event:"');
  }

  private parse(buf: Buffer, s: number, end: number, lineNo: number, offset: number): RawEvent | undefined {
    let from = s;
    while (true) {
      const lb = indexOfByte(buf, LBRACK, from, end);
      if (lb === -1) return undefined;
      from = lb + 1;
      let j = lb + 1;
      let cpu = 0;
      while (j < end && isDigit(buf[j])) cpu = cpu * 10 + (buf[j++] - 48);
      if (j === lb + 1 || buf[j] !== RBRACK) continue;
      // backwards: spaces, pid[/tid], spaces, comm
      let k = lb - 1;
      if (k <= s || !isSpace(buf[k])) continue;
      while (k > s && isSpace(buf[k])) k--;
      const idEnd = k + 1;
      while (k > s && (isDigit(buf[k]) || buf[k] === SLASH)) k--;
      if (!isSpace(buf[k]) || k + 1 === idEnd) continue;
      const ids = buf.toString('latin1', k + 1, idEnd);
      const slash = ids.indexOf('/');
      const commEnd = trimEnd(buf, s, k);
      // time: "53.155418:" then the optional period column, then "sys:event:"
      let p = skipSpaces(buf, j + 1, end);
      let t = p;
      while (t < end && !isSpace(buf[t])) t++;
      if (t - p < 2 || buf[t - 1] !== COLON) continue;
      const ts = parseTimestamp(buf, p, t - 1);
      if (ts < 0) continue;
      p = skipSpaces(buf, t, end);
      let q = p;
      while (q < end && isDigit(buf[q])) q++;
      if (q > p && q < end && isSpace(buf[q])) p = skipSpaces(buf, q, end); // period
      const pid = slash === -1 ? Number(ids) : Number(ids.slice(slash + 1));
      const ev = newEvent(lineNo, offset, ts, cpu, pid, this.comms.get(buf, s, commEnd), this.withFields);
      if (slash !== -1) {
        ev.tgid = Number(ids.slice(0, slash));
        this.sawTid = true;
      }
      if (indexOfByte(buf, 46 /* . */, j, t) === -1) this.counter = true;
      if (parseEventText(buf, p, end, 'perf', this.withFields, this.names, ev) !== TextResult.Event) return undefined;
      return ev;
    }
  }

  /** `\tffffffffb7ad6b30 __schedule+0x8e0 ([kernel.kallsyms])` → `__schedule+0x8e0`; modules keep `[mod]`. */
  private callchain(buf: Buffer, s: number, end: number): void {
    const last = this.last as RawEvent;
    const text = buf.toString('utf8', s, trimEnd(buf, s, end));
    const m = CALLCHAIN_RE.exec(text);
    let frame = text;
    if (m) {
      const dso = m[3];
      frame = m[2] || m[1];
      if (dso && dso !== 'kernel.kallsyms' && dso !== '[kernel.kallsyms]') frame += dso.startsWith('[') ? ` ${dso}` : ` (${dso})`;
    }
    (last.stack ??= []).push(frame);
    last.lineCount++;
    this.sawChain = true;
    this.acc.parsedLines++;
  }

  finish(): void {
    this.acc.drain(true);
  }

  detail(): string {
    const parts = [this.sawTid ? 'pid/tid' : '', this.sawChain ? 'callchains' : '', this.counter ? 'counter clock' : ''].filter((x) => x);
    return `perf script${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }
}
