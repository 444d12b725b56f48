/**
 * What follows the context prefix (`ts: `): the event itself. One parser for tracefs text, trace-cmd
 * report and perf script, which differ only in how the name is printed:
 *
 * - tracefs:   `name: body` (no system), `func <-parent` (function tracer), `sys_mmap(addr: 0, ...)` and
 *              `sys_mmap -> 0x7f..` (syscall events), `<stack trace>`;
 * - trace-cmd: `name:<padding to 20> body`, `function:   func` / `func <-- parent` (plugin_function),
 *              `print:  tracing_mark_write: text`, `kernel_stack: <stack trace>`, funcgraph_entry/exit;
 * - perf:      `sys:event: body` (name right-aligned; the system always printed).
 */

import { COLON, LPAREN, RPAREN, SP, indexOfByte, skipSpaces, startsWithAscii, trimEnd, utf8Text } from './bytes';
import { NameClass, type NameInfo, cachedHead, nameInfo, rememberHead } from './nameInfo';
import { headArgsAt, parseProbeHead, parseProbeSite } from './probeSite';
import { FieldsFrom, TextEvent, setFields } from './textEvent';
import type { RawEvent } from './types';
import type { Interner } from './bytes';
import type { NameGuess } from './nameGuess';

export type TextStyle = 'ftrace' | 'tracecmd' | 'perf';

export const enum TextResult {
  Event,
  /** `<stack trace>`: the frames that follow belong to the previous event on this CPU. */
  Stack,
  UserStack,
  /** trace-cmd funcgraph_entry/exit: the caller parses the graph part from `body`. */
  Funcgraph,
  Fail,
}

/** Systems of the tracepoints this tool meets most, so ftrace events (printed without system) get one. */
export const KNOWN_SYSTEM: Record<string, string> = {
  tlb_flush: 'tlb',
  set_migration_pte: 'migrate',
  remove_migration_pte: 'migrate',
  mm_migrate_pages: 'migrate',
  mm_migrate_pages_start: 'migrate',
  set_migration_pmd: 'thp',
  remove_migration_pmd: 'thp',
  mm_khugepaged_scan_pmd: 'huge_memory',
  page_fault_user: 'exceptions',
  page_fault_kernel: 'exceptions',
  sched_switch: 'sched',
  sched_wakeup: 'sched',
  sched_waking: 'sched',
  sched_process_fork: 'sched',
  sched_process_exit: 'sched',
  sched_process_exec: 'sched',
  tracing_mark_write: 'ftrace',
  print: 'ftrace',
  function: 'ftrace',
  kernel_stack: 'ftrace',
  console: 'printk',
};

/** Marker text kept apart from the `tracing_mark_write: ` writer prefix. */
export const MARK_PREFIX = 'tracing_mark_write: ';

/**
 * Where an event name ends, scanning from `t`: at the first `:` followed by a space (or the text's end),
 * or at a space or `(` (then the text is not `name: body`); `e` when none.
 */
export function nameEnd(buf: Buffer, t: number, e: number): number {
  while (t < e) {
    const c = buf[t];
    if (c === COLON && (t + 1 === e || buf[t + 1] === SP)) break;
    if (c === SP || c === LPAREN) break;
    t++;
  }
  return t;
}

/**
 * Fills name/system/kind/body/fields/probe/retFrom/parent of `ev` from bytes [s, e). Returns what the text
 * was. `ev.fields` must be a fresh object when `withFields` (a TextEvent gets them deferred, see textEvent.ts).
 * `transient`: a TextEvent's `name: body` stays bytes of `buf` (TextEvent.bodyBytes; ReadOptions.transient).
 */
export function parseEventText(
  buf: Buffer,
  s: number,
  e: number,
  style: TextStyle,
  withFields: boolean,
  names: Interner<NameInfo>,
  ev: RawEvent,
  transient = false,
  guess?: NameGuess<NameInfo>,
): TextResult {
  e = trimEnd(buf, s, e);
  if (s >= e) return TextResult.Fail;
  if (buf[s] === 60 /* < */) {
    // compared in place (one line in ten of a trace with stacks): no string for it
    if (e - s === 13 && startsWithAscii(buf, s, e, '<stack trace>')) return TextResult.Stack;
    if (e - s === 18 && startsWithAscii(buf, s, e, '<user stack trace>')) return TextResult.UserStack;
  }
  // the name token: up to ':' + space/end (tracepoints), ' ' (function tracer, syscall exit), '(' (syscall entry)
  let t = s;
  // tracefs and trace-cmd: the name the same first bytes had before, when it is there again (nameGuess.ts)
  const guessed = guess?.find(buf, s, e);
  if (guessed !== undefined) {
    t += guessed.run.length;
  } else {
    if (style === 'perf') {
      // "sys:event:" : the name holds exactly one colon
      const c1 = indexOfByte(buf, COLON, s, e);
      if (c1 === -1) return TextResult.Fail;
      t = c1 + 1;
    }
    t = nameEnd(buf, t, e);
  }
  if (t === s || t >= e) return TextResult.Fail;
  const stop = buf[t];
  if (stop === COLON) {
    const nameEnd = t;
    let bodyStart = t + 1;
    if (bodyStart < e && buf[bodyStart] === SP) bodyStart++;
    if (style !== 'ftrace') bodyStart = skipSpaces(buf, bodyStart, e); // trace-cmd pads names to 20
    let info: NameInfo;
    if (style === 'perf') {
      const colon = indexOfByte(buf, COLON, s, nameEnd);
      ev.system = names.get(buf, s, colon);
      ev.name = names.get(buf, colon + 1, nameEnd);
      info = nameInfo(ev.name, style, KNOWN_SYSTEM);
    } else {
      // the name's info rides on its interned entry: no lookup by name per event
      let entry = guessed;
      if (entry === undefined) {
        entry = names.entry(buf, s, nameEnd);
        guess?.remember(buf, s, e, entry);
      }
      ev.name = entry.str;
      const known = entry.data;
      info = known !== undefined && known.style === style ? known : (entry.data = nameInfo(entry.str, style, KNOWN_SYSTEM));
      if (info.system !== undefined) ev.system = info.system;
    }
    let lazy: TextEvent | undefined;
    if (transient && ev instanceof TextEvent) {
      lazy = ev;
      ev.bodyBytes(buf, bodyStart, e);
    } else {
      ev.body = utf8Text(buf, bodyStart, e);
    }
    return classify(ev, style, withFields, info, buf, bodyStart, e, lazy);
  }
  // no "name:" : function tracer or syscall
  const token = names.get(buf, s, t);
  const restText = buf.toString('utf8', t, e);
  if (stop === LPAREN && restText.endsWith(')') && /^sys_\w+$/.test(token)) {
    ev.name = token;
    ev.system = 'syscalls';
    ev.kind = 'syscall-enter';
    ev.body = restText;
    if (withFields) setFields(ev, FieldsFrom.SyscallArgs, restText.slice(1, -1), 0);
    return TextResult.Event;
  }
  if (restText.startsWith(' -> ') && /^sys_\w+$/.test(token)) {
    ev.name = token;
    ev.system = 'syscalls';
    ev.kind = 'syscall-exit';
    ev.body = restText.slice(4);
    if (withFields) setFields(ev, FieldsFrom.Ret, ev.body, 0);
    return TextResult.Event;
  }
  const fn = parseFunctionLine(buf.toString('utf8', s, e), style);
  if (fn) {
    ev.name = 'function';
    ev.system = 'ftrace';
    ev.kind = 'function';
    ev.body = fn.body;
    ev.probe = fn.func;
    if (fn.parent) ev.parent = fn.parent;
    return TextResult.Event;
  }
  return TextResult.Fail;
}

/**
 * The rules for `name: body` by what the name is (info.cls); the body is bytes [b, e) of buf. `lazy`: the event
 * when its body is still those bytes; the common rules (probe heads, tracepoints) then keep its fields as bytes.
 */
function classify(ev: RawEvent, style: TextStyle, withFields: boolean, info: NameInfo, buf: Buffer, b: number, e: number, lazy: TextEvent | undefined): TextResult {
  const name = ev.name;
  switch (info.cls) {
    case NameClass.Marker:
    case NameClass.Print: {
      const body = ev.body;
      if (info.cls === NameClass.Marker || body.startsWith(MARK_PREFIX)) {
        ev.kind = 'marker';
        ev.message = info.cls === NameClass.Print ? body.slice(MARK_PREFIX.length) : body;
        if (withFields) setFields(ev, FieldsFrom.Split, ev.message, 0);
        return TextResult.Event;
      }
      break;
    }
    case NameClass.Function: {
      const fn = parseFunctionLine(ev.body, style);
      ev.kind = 'function';
      if (fn) {
        ev.probe = fn.func;
        if (fn.parent) ev.parent = fn.parent;
      }
      return TextResult.Event;
    }
    case NameClass.KernelStack:
      if (ev.body === '<stack trace>') return TextResult.Stack;
      break;
    case NameClass.UserStack:
      if (ev.body === '<user stack trace>') return TextResult.UserStack;
      break;
    case NameClass.Graph:
      return TextResult.Funcgraph;
    case NameClass.SyscallEnter:
      ev.kind = 'syscall-enter';
      if (withFields) setFields(ev, FieldsFrom.SyscallArgs, ev.body, 0);
      return TextResult.Event;
    case NameClass.SyscallExit:
      ev.kind = 'syscall-exit';
      if (withFields) setFields(ev, FieldsFrom.Ret, ev.body, 0);
      return TextResult.Event;
    case NameClass.Console:
      ev.kind = 'driver-log';
      ev.message = ev.body;
      if (withFields) setFields(ev, FieldsFrom.Split, ev.message, 0);
      return TextResult.Event;
    default:
      break;
  }
  if (b < e && buf[b] === 40 /* ( */) {
    const known = cachedHead(info, buf, b, e);
    if (known !== undefined) {
      // a kept head is ASCII: its length in bytes is its length in characters
      const head = known.probe;
      ev.kind = head.kind;
      ev.probe = head.probe;
      if (head.retFrom) ev.retFrom = head.retFrom;
      if (withFields) {
        if (lazy !== undefined) lazy.deferBytes(Math.min(b + known.run.length + 1, e));
        else setFields(ev, FieldsFrom.Split, ev.body, Math.min(known.run.length + 1, ev.body.length));
      }
      return TextResult.Event;
    }
    const body = ev.body;
    const head = parseProbeHead(body, style !== 'ftrace');
    if (head) {
      const argsAt = headArgsAt();
      rememberHead(info, buf, b, indexOfByte(buf, RPAREN, b, e), head);
      ev.kind = head.kind;
      ev.probe = head.probe;
      if (head.retFrom) ev.retFrom = head.retFrom;
      if (withFields) setFields(ev, FieldsFrom.Split, body, argsAt);
      return TextResult.Event;
    }
  }
  ev.kind = 'tracepoint';
  if (withFields) {
    const plugin = style === 'tracecmd' ? schedPluginFields(name, ev.body) : undefined;
    if (plugin) Object.assign(ev.fields, plugin);
    else if (lazy !== undefined) lazy.deferBytes(b);
    else setFields(ev, FieldsFrom.Split, ev.body, 0);
  }
  return TextResult.Event;
}

const SCHED_SWITCH_PLUGIN = /^(.+):(\d+) \[(-?\d+)\] (\S+) ==> (.+):(\d+) \[(-?\d+)\]/;
const SCHED_WAKEUP_PLUGIN = /^(.+):(\d+) \[(-?\d+)\](?: (?:success=\d+ )?CPU:(\d+))?/;

/**
 * trace-cmd's sched plugin rewrites sched_switch to `comm:pid [prio] S ==> comm:pid [prio]` and
 * sched_wakeup(_new) to `comm:pid [prio] CPU:NNN`; give them the kernel's field names.
 */
function schedPluginFields(name: string, body: string): Record<string, string> | undefined {
  if (body.includes('=') && !body.includes(' ==> ')) return undefined;
  if (name === 'sched_switch') {
    const m = SCHED_SWITCH_PLUGIN.exec(body);
    if (!m || m[1].includes('prev_comm=')) return undefined;
    return { prev_comm: m[1], prev_pid: m[2], prev_prio: m[3], prev_state: m[4], next_comm: m[5], next_pid: m[6], next_prio: m[7] };
  }
  if (name === 'sched_wakeup' || name === 'sched_wakeup_new') {
    const m = SCHED_WAKEUP_PLUGIN.exec(body);
    if (!m) return undefined;
    const into: Record<string, string> = { comm: m[1], pid: m[2], prio: m[3] };
    if (m[4] !== undefined) into.target_cpu = m[4];
    return into;
  }
  return undefined;
}

interface FunctionLine {
  func: ReturnType<typeof parseProbeSite> & object;
  parent?: ReturnType<typeof parseProbeSite> & object;
  body: string;
}

/**
 * `func <-parent` (tracefs; with sym-offset `func+0x6/0xa0 <-parent+0x1c/0x40`, module symbols `func [mod]`,
 * func-no-repeats ` (repeats: 2, last_ts: ...)` appended), trace-cmd `func <-- parent` or an indented `func`
 * alone (plugin_function indents by call depth and prints no parent by default).
 */
function parseFunctionLine(text: string, style: TextStyle): FunctionLine | undefined {
  let t = text.trim();
  const rep = t.indexOf(' (repeats: ');
  if (rep !== -1 && t.endsWith(')')) t = t.slice(0, rep);
  const arrow = style === 'tracecmd' && t.includes(' <-- ') ? t.indexOf(' <-- ') : t.indexOf(' <-');
  if (arrow === -1) {
    if (style !== 'tracecmd') return undefined;
    const func = parseProbeSite(t);
    return func ? { func, body: text.trim() } : undefined;
  }
  const func = parseProbeSite(t.slice(0, arrow));
  const parentText = t.slice(arrow + (t.startsWith(' <-- ', arrow) ? 5 : 3));
  const parent = parseProbeSite(parentText);
  if (!func || !parent || func.symbol === undefined && func.address === undefined) return undefined;
  return { func, parent, body: text.trim() };
}
