/**
 * One ring-buffer record -> one RawEvent shaped like the text readers' event for the same line:
 * comm from saved_cmdlines, latency flags from common_flags/common_preempt_count, kprobe/kretprobe sites
 * resolved through kallsyms (symbol, offset, size, module AND the raw address), trace_marker writes as
 * `marker` events, function/function_graph events with their call details, and fields as printed.
 */

import type { EventFormat, FieldFormat } from './eventFormat';
import { bprintFormat, renderBprint } from './bprint';
import { pluginRender } from './plugins';
import { bytesToString, element, fieldValue, readSmall, type RecordView } from './recordData';
import { compileFmt, render, renderRaw, type CompiledFmt, type RenderEnv } from './render';
import { formatSymOff, probeSite, type Kallsyms } from './symbols';
import { splitFields, splitSyscallArgs } from '../fields';
import type { RawEvent, RawEventKind } from '../types';

/** What the decoder knows about an event id, computed once. */
interface EventInfo {
  ev: EventFormat;
  kind: RawEventKind;
  special:
    | 'print' | 'bprint' | 'bputs' | 'function' | 'funcgraph_entry' | 'funcgraph_exit' | 'kernel_stack' | 'user_stack'
    | 'kprobe' | 'kretprobe' | 'none';
  fmt?: CompiledFmt;
  name: string;
}

export interface DecodeContext {
  formats: Map<number, EventFormat>;
  cmdlines: Map<number, string>;
  syms: Kallsyms;
  printk: Map<bigint, string>;
  longSize: number;
  little: boolean;
  /** false in stats mode: skip bodies, fields and symbol lookups. */
  fields: boolean;
}

export class RecordDecoder {
  private readonly info = new Map<number, EventInfo | null>();
  private readonly env: RenderEnv;
  private readonly typeField: FieldFormat;
  private readonly flagsField?: FieldFormat;
  private readonly preemptField?: FieldFormat;
  private readonly pidField: FieldFormat;

  constructor(private readonly ctx: DecodeContext) {
    this.env = { syms: ctx.syms, longSize: ctx.longSize };
    // every event shares the common fields; take their layout from any format that has them
    let common: EventFormat | undefined;
    for (const ev of ctx.formats.values()) {
      if (ev.byName.has('common_type') && ev.byName.has('common_pid')) {
        common = ev;
        break;
      }
    }
    this.typeField = common?.byName.get('common_type') ?? mk('common_type', 0, 2, false);
    this.flagsField = common?.byName.get('common_flags') ?? mk('common_flags', 2, 1, false);
    this.preemptField = common?.byName.get('common_preempt_count') ?? mk('common_preempt_count', 3, 1, false);
    this.pidField = common?.byName.get('common_pid') ?? mk('common_pid', 4, 4, true);
  }

  typeOf(r: RecordView): number {
    return readSmall(r, r.start + this.typeField.offset, this.typeField.size, false);
  }

  isKernelStack(id: number): boolean {
    return this.lookup(id)?.special === 'kernel_stack';
  }

  isFuncgraphExit(id: number): boolean {
    return this.lookup(id)?.special === 'funcgraph_exit';
  }

  private lookup(id: number): EventInfo | null {
    let i = this.info.get(id);
    if (i !== undefined) return i;
    const ev = this.ctx.formats.get(id);
    i = ev ? classify(ev) : null;
    this.info.set(id, i);
    return i;
  }

  comm(pid: number): string {
    if (pid === 0) return '<idle>';
    return this.ctx.cmdlines.get(pid) ?? '<...>';
  }

  /** Builds the event for the record, or undefined when its event id has no format in the file. */
  decode(r: RecordView, ts: number, cpu: number, line: number, offset: number): RawEvent | undefined {
    const id = this.typeOf(r);
    const info = this.lookup(id);
    if (!info) return undefined;
    const pid = readSmall(r, r.start + this.pidField.offset, this.pidField.size, true);
    // every property from the start, assigned later, never added (one hidden class for decode and the store)
    const e: RawEvent = {
      line, offset, lineCount: 1, ts, cpu, pid, comm: this.comm(pid),
      name: info.name, system: info.ev.system, kind: info.kind, body: '', fields: {},
      tgid: undefined, flags: undefined, probe: undefined, retFrom: undefined, parent: undefined, graph: undefined,
      message: undefined, driver: undefined, stack: undefined,
    };
    if (!this.ctx.fields) {
      // stats mode still names trace_marker writes and trace_printk callers as the full mode does
      if (info.special === 'print' || info.special === 'bputs' || info.special === 'bprint') this.nameMarker(e, info, r);
      return e;
    }
    e.flags = latencyFlags(
      this.flagsField ? readSmall(r, r.start + this.flagsField.offset, this.flagsField.size, false) : 0,
      this.preemptField ? readSmall(r, r.start + this.preemptField.offset, this.preemptField.size, false) : 0,
    );
    this.fill(e, info, r);
    return e;
  }

  private num(info: EventInfo, r: RecordView, name: string): bigint {
    const f = info.ev.byName.get(name);
    if (!f) return 0n;
    const v = fieldValue(r, f);
    return typeof v === 'bigint' ? BigInt.asUintN(Math.max(1, Math.min(f.size, 8)) * 8, v) : 0n;
  }

  private nameMarker(e: RawEvent, info: EventInfo, r: RecordView): void {
    const ip = this.num(info, r, 'ip');
    const sym = this.ctx.syms.lookup(ip);
    const caller = sym ? sym.symbol : `0x${ip.toString(16)}`;
    // trace_marker writes come from tracing_mark_write(); anything else is a trace_printk() in the kernel
    e.kind = caller === 'tracing_mark_write' ? 'marker' : 'tracepoint';
    e.name = caller;
  }

  private fill(e: RawEvent, info: EventInfo, r: RecordView): void {
    const syms = this.ctx.syms;
    switch (info.special) {
      case 'print':
      case 'bputs':
      case 'bprint': {
        this.nameMarker(e, info, r);
        let text: string;
        if (info.special === 'print') text = strField(info.ev, r, 'buf');
        else if (info.special === 'bputs') text = this.ctx.printk.get(this.num(info, r, 'str')) ?? strField(info.ev, r, 'str');
        else text = renderBprint(bprintFormat(this.ctx.printk, this.num(info, r, 'fmt')), info.ev, r, this.env);
        if (text.endsWith('\n')) text = text.slice(0, -1);
        e.body = text;
        e.message = text;
        e.fields = splitFields(text, {});
        return;
      }
      case 'function': {
        const ip = this.num(info, r, 'ip');
        const parent = this.num(info, r, 'parent_ip');
        e.probe = probeSite(syms, ip);
        e.parent = probeSite(syms, parent);
        e.body = `${e.probe.symbol ?? `0x${e.probe.address}`} <-- ${e.parent.symbol ?? `0x${e.parent.address}`}`;
        return;
      }
      case 'funcgraph_entry':
      case 'funcgraph_exit': {
        const func = this.num(info, r, 'func');
        const depth = Number(BigInt.asIntN(32, this.num(info, r, 'depth')));
        const site = probeSite(syms, func);
        const name = site.symbol ?? `0x${site.address}`;
        e.probe = site;
        if (info.special === 'funcgraph_entry') {
          e.graph = { func: name, depth, leaf: false };
          e.body = `${'  '.repeat(Math.max(0, depth))}${name}() {`;
        } else {
          const dur = Number(this.num(info, r, 'rettime') - this.num(info, r, 'calltime'));
          e.graph = { func: name, depth, leaf: false, durationNs: dur };
          e.body = `${'  '.repeat(Math.max(0, depth))}} /* ${name} */ (${(dur / 1000).toFixed(3)} us)`;
        }
        return;
      }
      case 'kernel_stack':
      case 'user_stack': {
        // a stack with no event of its own CPU before it (that event was overwritten or filtered): kept as
        // an event, like the text readers keep an orphan `<stack trace>` block
        e.body = info.special === 'kernel_stack' ? '<stack trace>' : '<user stack trace>';
        e.stack = this.stackFrames(r);
        return;
      }
      case 'kprobe':
      case 'kretprobe': {
        if (info.special === 'kprobe') e.probe = probeSite(syms, this.num(info, r, '__probe_ip'));
        else {
          // kretprobe: the return site is __probe_ret_ip (the caller), the function that returned __probe_func
          e.probe = probeSite(syms, this.num(info, r, '__probe_ret_ip'));
          e.retFrom = probeSite(syms, this.num(info, r, '__probe_func'));
        }
        break;
      }
      default:
        break;
    }
    const out = pluginRender(info.ev, r) ?? (info.fmt ? render(info.ev, info.fmt, r, this.env) : renderRaw(info.ev, r));
    e.body = out.body;
    // fields are split from the rendered body exactly as the text readers split `trace-cmd report` lines,
    // so decode sees the same key/value strings whichever form of the capture it was given
    e.fields = fieldsOf(e, out.body);
  }

  /** Frames of an ftrace kernel_stack record, innermost first, as `sym+0xoff/0xsize [mod]`. */
  stackFrames(r: RecordView): string[] {
    const info = this.lookup(this.typeOf(r));
    if (!info) return [];
    const callerF = info.ev.byName.get('caller');
    if (!callerF) return [];
    const v = fieldValue(r, callerF);
    if (typeof v !== 'object') return [];
    // the kernel stores `size` entries (the format's caller[8] is nominal); never read past the record
    const sizeF = info.ev.byName.get('size');
    const declared = sizeF ? Number(fieldValue(r, sizeF)) : Number.MAX_SAFE_INTEGER;
    const avail = Math.floor((r.start + r.len - v.start) / this.ctx.longSize);
    const n = Math.min(avail, declared > 0 ? declared : avail);
    const view = { ...v, len: avail * this.ctx.longSize, elem: this.ctx.longSize, signed: false };
    const out: string[] = [];
    const user = info.special === 'user_stack';
    for (let i = 0; i < n; i++) {
      const a = BigInt.asUintN(this.ctx.longSize * 8, element(r, view, i));
      if (a === 0n || a === BigInt.asUintN(this.ctx.longSize * 8, -1n)) break;
      const s = user ? undefined : this.ctx.syms.lookup(a);
      out.push(s ? formatSymOff(s) : `0x${a.toString(16)}`);
    }
    return out;
  }

  /** funcgraph_exit fields of a record, for merging an entry with its exit into one leaf call. */
  exitOf(r: RecordView): { func: bigint; depth: number; durationNs: number } | undefined {
    const info = this.lookup(this.typeOf(r));
    if (!info || info.special !== 'funcgraph_exit') return undefined;
    return {
      func: this.num(info, r, 'func'),
      depth: Number(BigInt.asIntN(32, this.num(info, r, 'depth'))),
      durationNs: Number(this.num(info, r, 'rettime') - this.num(info, r, 'calltime')),
    };
  }

  entryOf(r: RecordView): { func: bigint; depth: number } | undefined {
    const info = this.lookup(this.typeOf(r));
    if (!info || info.special !== 'funcgraph_entry') return undefined;
    return { func: this.num(info, r, 'func'), depth: Number(BigInt.asIntN(32, this.num(info, r, 'depth'))) };
  }
}

function fieldsOf(e: RawEvent, body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (e.kind === 'syscall-enter') return splitSyscallArgs(body, fields);
  if (e.kind === 'syscall-exit') {
    fields['ret'] = body;
    return fields;
  }
  if (e.kind === 'kprobe' || e.kind === 'kretprobe') {
    // the `(ffffffff812df454)` / `(func <- ret_ip)` head is the probe site, not a field
    const head = body.startsWith('(') ? body.indexOf(') ') : -1;
    return head >= 0 ? splitFields(body.slice(head + 2), fields) : head === -1 && body.startsWith('(') ? fields : splitFields(body, fields);
  }
  return splitFields(body, fields);
}

function mk(name: string, offset: number, size: number, signed: boolean): FieldFormat {
  return { name, type: '', offset, size, signed, dataLoc: false, relLoc: false, array: false, elemSize: size, isString: false, isPointer: false };
}

function strField(ev: EventFormat, r: RecordView, name: string): string {
  const f = ev.byName.get(name);
  if (!f) return '';
  const v = fieldValue(r, f);
  return typeof v === 'object' ? bytesToString(r, v) : String(v);
}

function classify(ev: EventFormat): EventInfo {
  const b = ev.byName;
  let special: EventInfo['special'] = 'none';
  let kind: RawEventKind = 'tracepoint';
  if (ev.system === 'ftrace') {
    if (ev.name === 'print' && b.has('buf')) special = 'print';
    else if (ev.name === 'bprint' && b.has('fmt')) special = 'bprint';
    else if (ev.name === 'bputs' && b.has('str')) special = 'bputs';
    else if (ev.name === 'function' && b.has('ip')) [special, kind] = ['function', 'function'];
    else if (ev.name === 'funcgraph_entry') [special, kind] = ['funcgraph_entry', 'funcgraph-entry'];
    else if (ev.name === 'funcgraph_exit') [special, kind] = ['funcgraph_exit', 'funcgraph-exit'];
    else if (ev.name === 'kernel_stack') special = 'kernel_stack';
    else if (ev.name === 'user_stack') special = 'user_stack';
  } else if (b.has('__probe_ip')) [special, kind] = ['kprobe', 'kprobe'];
  else if (b.has('__probe_func') && b.has('__probe_ret_ip')) [special, kind] = ['kretprobe', 'kretprobe'];
  else if (ev.name.startsWith('sys_enter_')) kind = 'syscall-enter';
  else if (ev.name.startsWith('sys_exit_')) kind = 'syscall-exit';
  const fmt = special === 'none' || special === 'kprobe' || special === 'kretprobe' ? compileFmt(ev.printFmt) : undefined;
  return { ev, kind, special, fmt, name: ev.name };
}

/**
 * The latency-format flags column (`d..2.`) as the kernel's trace_print_lat_fmt() prints it:
 * irqs-off, need-resched, hardirq/softirq/NMI, preempt depth, migrate-disable depth.
 */
const FLAGS_CACHE = new Map<number, string>();

export function latencyFlags(flags: number, preempt: number): string {
  const key = (flags << 8) | preempt;
  let s = FLAGS_CACHE.get(key);
  if (s === undefined) {
    s = latencyFlagsOf(flags, preempt);
    FLAGS_CACHE.set(key, s);
  }
  return s;
}

function latencyFlagsOf(flags: number, preempt: number): string {
  const irqsOff = flags & 0x01 ? 'd' : flags & 0x02 ? 'X' : '.';
  const nr = flags & 0x04;
  const pr = flags & 0x20;
  const resched = nr && pr ? 'N' : nr ? 'n' : pr ? 'p' : '.';
  const nmi = flags & 0x40;
  const hard = flags & 0x08;
  const soft = flags & 0x10;
  const ctx = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
  const depth = preempt & 0x0f;
  const mig = (preempt >> 4) & 0x0f;
  return `${irqsOff}${resched}${ctx}${depth ? depth.toString(16) : '.'}${mig ? mig.toString(16) : '.'}`;
}
