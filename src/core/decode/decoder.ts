/**
 * RawEvent → decoded HMM event: which kernel function or tracepoint it is (by the probed symbol printed in
 * the body, by `caller <- callee` for returns, by the user's probe definitions when only raw addresses are
 * printed, and last by well-known probe names), and its fields converted with the right radix.
 */

import type { RawEvent } from '../ingest/types';
import { decodeDriverLog, type DriverLogEvent } from './driverLog';
import { isBlockable, NOTIFIER_EVENTS, notifierEventFrom } from './enums';
import { FieldResolver, parseBig, returnValue, shortHex, signedReturn, toSafeNumber } from './fields';
import type { FieldView } from './fieldView';
import { EventFields, FIELD } from './eventFields';
import { baseFunction, type FunctionInfo, functionInfo, TRACEPOINT_KINDS, wellKnownProbe } from './functions';
import type { ProbeCatalog, ProbeDefinition } from './probeCatalog';
import { decodePte } from './pte';
import { blankDecoded, type DecodedEvent, reset, type Resolution } from './decoded';
import { type NameState, NameStates, type ProbeFunction } from './nameState';
import type { ProbeSite } from '../ingest/types';

export { blankDecoded, type DecodedEvent, type Resolution } from './decoded';

const WAIT_FRAMES = /migration_entry_wait|folio_wait_bit|wait_on_page_bit|__folio_lock|folio_wait/;

/** How a probe event resolves to a function (Decoder.resolveProbe). */
interface Resolved {
  func: string | undefined;
  ret: boolean;
  def: ProbeDefinition | undefined;
  by: Resolution;
}

export class Decoder {
  readonly fields: FieldResolver;
  /** Event names (probes) whose function could not be determined → count. */
  readonly unresolved: Record<string, number> = {};
  /** How many events were resolved by each means. */
  readonly resolvedCounts: Record<Resolution, number> = { symbol: 0, definition: 0, address: 0, 'well-known': 0, tracepoint: 0, none: 0 };

  /** Whether `pte` is decoded (false: only `pteRaw` is set; see the constructor). */
  private readonly withPte: boolean;

  /**
   * `opts.pte: false` leaves DecodedEvent.pte undefined and sets only pteRaw: for consumers that decode a PTE
   * on demand (the model store keeps pteRaw; decoding every migration PTE into text cost ~0.15 s at 256 MiB).
   */
  constructor(
    readonly catalog: ProbeCatalog,
    fieldAliases?: Record<string, string[]>,
    opts?: { pte?: boolean },
  ) {
    this.fields = new FieldResolver(fieldAliases);
    this.ef = new EventFields(this.fields);
    this.view = this.ef.view;
    this.withPte = opts?.pte !== false;
  }

  /** Probed symbol → its function without compiler suffix and what it is (a few symbols, millions of hits). */
  private readonly functions = new Map<string, { func: string; info: FunctionInfo | undefined }>();
  private readonly names = new NameStates();
  /** The fields of the event being decoded, loaded by the decode paths that read fields. */
  private readonly ef: EventFields;
  private readonly view: FieldView;

  decode(ev: RawEvent): DecodedEvent {
    return this.decodeInto(ev, blankDecoded());
  }

  /** decode() into `out` (overwritten entirely): the model build reuses one object for every event. */
  decodeInto(ev: RawEvent, out: DecodedEvent): DecodedEvent {
    switch (ev.kind) {
      case 'kprobe':
      case 'kretprobe':
        return this.decodeProbe(ev, out);
      case 'function':
      case 'funcgraph-entry':
      case 'funcgraph-exit':
        return this.decodeFunction(ev, out);
      case 'marker':
        reset(out, 'marker', false, false, false, 'tracepoint').text = ev.message ?? ev.body;
        return out;
      case 'syscall-enter':
      case 'syscall-exit':
        return this.decodeSyscall(ev, out);
      case 'driver-log':
        return this.decodeLog(ev.message ?? ev.body, out);
      default:
        return this.decodeTracepoint(ev, out);
    }
  }

  /** How `ev` resolves, in `this.res` (one object for every event); `def`: the definition of its name. */
  private resolveProbe(ev: RawEvent, isRet: boolean, def: ProbeDefinition | undefined): Resolved {
    if (isRet && ev.retFrom?.symbol) return this.resolved(ev.retFrom.symbol, true, def, 'symbol');
    if (!isRet && ev.probe?.symbol) {
      if (ev.probe.offset === 0 || ev.probe.offset === undefined) return this.resolved(ev.probe.symbol, false, def, 'symbol');
      // a probe at sym+off inside the function: still that function, but not its entry
      return this.resolved(ev.probe.symbol, false, def, 'symbol');
    }
    if (def) {
      if (!isRet && ev.probe?.address) this.catalog.learnAddress(ev.probe.address, def.func);
      return this.resolved(def.func, isRet || def.kind === 'return', def, 'definition');
    }
    const addrs = [ev.probe?.address, ev.retFrom?.address].filter((a): a is string => a !== undefined);
    for (const a of addrs) {
      const f = this.catalog.functionAt(a);
      if (f) return this.resolved(f, isRet, undefined, 'address');
    }
    const wk = wellKnownProbe(ev.name);
    if (wk) {
      if (!isRet && ev.probe?.address) this.catalog.learnAddress(ev.probe.address, wk.func);
      return this.resolved(wk.func, isRet || wk.ret, undefined, 'well-known');
    }
    return this.resolved(undefined, isRet, undefined, 'none');
  }

  private resolved(func: string | undefined, ret: boolean, def: ProbeDefinition | undefined, by: Resolution): Resolved {
    const r = this.res;
    r.func = func;
    r.ret = ret;
    r.def = def;
    r.by = by;
    return r;
  }

  private readonly res: Resolved = { func: undefined, ret: false, def: undefined, by: 'none' };

  /** The state of `name`, its definition read again when the catalog changed. */
  private stateOf(name: string): NameState {
    const st = this.names.of(name);
    if (st.version !== this.catalog.version) st.define(this.catalog.get(name), this.catalog.version);
    return st;
  }

  private decodeProbe(ev: RawEvent, out: DecodedEvent): DecodedEvent {
    const st = this.stateOf(ev.name);
    const isRet = ev.kind === 'kretprobe';
    // the same site object as the last event of this name: the same function (see probeFunction)
    const site = isRet ? ev.retFrom : ev.probe;
    let p = isRet ? (site === st.retSite ? st.ret : undefined) : site === st.entrySite ? st.entry : undefined;
    if (p === undefined) {
      p = this.probeFunction(ev, st, isRet, site);
      if (p === undefined) {
        this.resolvedCounts[this.res.by]++;
        this.unresolved[ev.name] = (this.unresolved[ev.name] ?? 0) + 1;
        return reset(out, 'generic', !this.res.ret, this.res.ret, false, 'none');
      }
    }
    if (p.by === 'symbol') this.resolvedCounts.symbol++;
    else this.resolvedCounts[p.by]++;
    const info = p.info;
    reset(out, p.kind, !p.ret, p.ret, false, p.by);
    out.func = p.func;
    out.role = info?.role;
    out.driver = info?.driver;
    const ef = this.ef;
    ef.load(ev, st.fields, st.def);
    if (p.ret) {
      const j = ef.retIndex();
      if (j !== -1) {
        const type = ef.retType();
        const short = type === undefined || type.kind === 'unsigned' || type.kind === 'signed' ? this.view.decimalAt(j) : undefined;
        out.retVal = short ?? this.view.hexReturnAt(j, type) ?? returnValue(this.view.valueAt(j), type);
      }
      return out;
    }
    this.probeFields(out);
    return out;
  }

  /**
   * The function a probe event is on (resolveProbe), undefined when none. Kept on the name's state when it
   * was resolved by symbol or definition from a frozen site (the reader's shared sites): the same name and
   * site object then resolve the same (a definition's learnAddress is done once, then has nothing to learn).
   * Resolutions by learned address or well-known name are not kept: another probe may teach an address later.
   */
  private probeFunction(ev: RawEvent, st: NameState, isRet: boolean, site: ProbeSite | undefined): ProbeFunction | undefined {
    const r = this.resolveProbe(ev, isRet, st.def);
    if (!r.func) return undefined;
    let known = this.functions.get(r.func);
    if (known === undefined) {
      const base = baseFunction(r.func);
      known = { func: base, info: functionInfo(base) };
      if (this.functions.size >= 4096) this.functions.clear();
      this.functions.set(r.func, known);
    }
    const info = known.info;
    const p: ProbeFunction = { func: known.func, info, kind: info ? (r.ret ? info.ret : info.entry) : 'generic', ret: r.ret, by: r.by };
    if ((r.by === 'symbol' || r.by === 'definition') && site !== undefined && Object.isFrozen(site)) {
      if (isRet) {
        st.retSite = site;
        st.ret = p;
      } else {
        st.entrySite = site;
        st.entry = p;
      }
    }
    return p;
  }

  private probeFields(out: DecodedEvent): void {
    const ef = this.ef;
    const role = out.role;
    const start = ef.num(FIELD.start, 'auto');
    const end = ef.num(FIELD.end, 'auto');
    if (start !== undefined) out.start = start;
    if (end !== undefined) out.end = end;
    const addr = ef.num(FIELD.addr, 'auto');
    if (addr !== undefined) out.addr = addr;
    if (role === 'mn-start' || role === 'mn-end' || role === 'driver-invalidate' || out.kind === 'invalidate-secondary') {
      const j = ef.index(FIELD.event);
      if (j !== -1) this.notifierEvent(j, out);
      out.owner = ef.ptr(FIELD.owner);
      const flags = ef.num(FIELD.flags, 'auto');
      if (flags !== undefined) out.blockable = isBlockable(flags);
      out.mm = ef.ptr(FIELD.mm);
    } else if (role === 'migrate-setup') {
      out.selectFlags = ef.num(FIELD.flags, 'auto');
      out.owner = ef.ptr(FIELD.owner);
      out.faultPage = ef.ptr(FIELD.faultPage);
    } else if (role === 'migrate-pages' || role === 'migrate-finalize' || role === 'migrate-unmap') {
      out.cpages = ef.num(FIELD.cpages, 'auto');
      out.npages = ef.num(FIELD.npages, 'auto');
      if (ef.keyIs(FIELD.src0, 'src0')) out.src0 = ef.big(FIELD.src0);
      if (ef.keyIs(FIELD.dst0, 'dst0')) out.dst0 = ef.big(FIELD.dst0);
      out.faultPage = ef.ptr(FIELD.faultPage);
    } else if (role === 'swap-fault') {
      const v = ef.big(FIELD.origPte);
      if (v !== undefined) {
        if (this.withPte) out.pte = decodePte(v);
        out.pteRaw = v;
      }
    } else if (role === 'exclusive-make') {
      out.owner = ef.ptr(FIELD.owner);
    } else if (out.kind === 'copy-page-range' || out.kind === 'change-protection') {
      if (out.start === undefined) {
        const view = this.view;
        const def = ef.definition();
        if (view.has('vm_start') && view.has('vm_end')) {
          out.start = view.num('vm_start', def?.fields.get('vm_start'), 'auto-pointer');
          out.end = view.num('vm_end', def?.fields.get('vm_end'), 'auto-pointer');
        }
      }
    }
  }

  /**
   * The notifier event of field j: a number (`event=6`, `event=0x6`) read in place, as parseNumber reads
   * it, else a name (`MIGRATE`, `MMU_NOTIFY_MIGRATE`) through notifierEventFrom.
   */
  private notifierEvent(j: number, out: DecodedEvent): void {
    const view = this.view;
    const num = view.isHexWordAt(j) ? view.numAt(j, this.ef.definition()?.fields.get(view.keyAt(j)), 'auto') : undefined;
    if (num !== undefined) {
      out.notifierEvent = NOTIFIER_EVENTS[num] ?? 'UNKNOWN';
      out.eventNum = num;
      return;
    }
    const ne = notifierEventFrom(view.valueAt(j));
    if (ne) {
      out.notifierEvent = ne.event;
      out.eventNum = ne.num;
    }
  }

  private decodeFunction(ev: RawEvent, out: DecodedEvent): DecodedEvent {
    const sym = ev.graph?.func ?? ev.probe?.symbol;
    const func = sym ? baseFunction(sym) : undefined;
    const info = functionInfo(func);
    const isExit = ev.kind === 'funcgraph-exit';
    const leaf = ev.graph?.leaf === true;
    this.resolvedCounts[func ? 'symbol' : 'none']++;
    reset(out, info ? (isExit ? info.ret : info.entry) : 'function', !isExit, isExit || leaf, leaf, func ? 'symbol' : 'none');
    out.func = func;
    out.role = info?.role;
    out.driver = info?.driver;
    out.durationNs = ev.graph?.durationNs;
    return out;
  }

  private decodeSyscall(ev: RawEvent, out: DecodedEvent): DecodedEvent {
    const exit = ev.kind === 'syscall-exit';
    const st = this.names.of(ev.name);
    const name = (st.syscall ??= ev.name.replace(/^(sys_enter_|sys_exit_|sys_)/, ''));
    reset(out, exit ? 'syscall-ret' : 'syscall', !exit, exit, false, 'tracepoint');
    out.func = name;
    out.syscall = name;
    if (exit) {
      const text = ev.fields['ret'] ?? ev.body;
      // `0x` and 1 to 13 hex digits (ftrace's `sys_x -> 0x0`): that number (far below the errno range)
      const n = shortHex(text);
      if (n !== undefined) out.retVal = n;
      else {
        const m = /(?:->\s*|^\s*)(-?0x[0-9a-f]+|-?\d+)\s*$/i.exec(text);
        if (m) out.retVal = signedReturn(parseBig(m[1], undefined, 'hex'), { kind: 'hex', bits: 64 });
      }
    } else if (name === 'munmap' || name === 'mprotect' || name === 'madvise') {
      // ftrace's syscall tracer prints every argument as %lx (no 0x); perf prints 0x-prefixed values
      const a = ev.fields['addr'] ?? ev.fields['start'];
      const l = ev.fields['len'];
      const s = a !== undefined ? toSafeNumber(parseBig(a, undefined, 'hex')) : undefined;
      const len = l !== undefined ? toSafeNumber(parseBig(l, undefined, 'hex')) : undefined;
      if (s !== undefined && len !== undefined) {
        out.start = s;
        out.end = s + len;
      }
    }
    this.resolvedCounts.tracepoint++;
    return out;
  }

  private decodeLog(body: string, out: DecodedEvent): DecodedEvent {
    const d = decodeDriverLog(body);
    if (!d) return reset(out, 'generic', false, false, false, 'none');
    return this.driverLogInto(d, out);
  }

  private driverLogInto(d: DriverLogEvent, out: DecodedEvent): DecodedEvent {
    reset(out, d.kind, false, false, false, 'tracepoint');
    out.func = d.func;
    out.driver = d.driver;
    out.start = d.start;
    out.end = d.end;
    out.addr = d.addr;
    out.notifierEvent = d.event;
    out.eventNum = d.eventNum;
    return out;
  }

  private decodeTracepoint(ev: RawEvent, out: DecodedEvent): DecodedEvent {
    const name = ev.name;
    const st = this.names.of(name);
    let kind = st.tracepoint;
    if (kind === null) kind = st.tracepoint = TRACEPOINT_KINDS[name];
    this.resolvedCounts.tracepoint++;
    const base = reset(out, kind ?? 'generic', false, false, false, kind ? 'tracepoint' : 'none');
    switch (kind) {
      case 'migration-pte-set':
      case 'migration-pte-remove':
      case 'migration-pmd-set':
      case 'migration-pmd-remove': {
        // TP_printk "addr=%lx, pte=%lx order=%d": hex without 0x (reference §7.2)
        this.ef.load(ev, st.fields, undefined);
        const view = this.view;
        const a = view.indexOf('addr');
        if (a !== -1) base.addr = view.numAt(a, undefined, 'hex');
        let p = view.indexOf('pte');
        if (p === -1) p = view.indexOf('pmd');
        const v = p !== -1 ? view.pteAt(p) : undefined;
        if (v !== undefined) {
          if (this.withPte) base.pte = decodePte(v);
          base.pteRaw = v;
        }
        return base;
      }
      case 'cpu-fault': {
        this.ef.load(ev, st.fields, undefined);
        const view = this.view;
        let a = view.indexOf('address');
        if (a === -1) a = view.indexOf('addr');
        if (a !== -1) base.addr = view.numAt(a, undefined, 'hex');
        return base;
      }
      case 'process-fork': {
        base.childPid = toSafeNumber(parseBig(ev.fields['child_pid'] ?? '', undefined, 'dec'));
        base.childComm = ev.fields['child_comm'];
        base.taskPid = toSafeNumber(parseBig(ev.fields['pid'] ?? '', undefined, 'dec'));
        return base;
      }
      case 'process-exit':
        base.taskPid = toSafeNumber(parseBig(ev.fields['pid'] ?? '', undefined, 'dec'));
        return base;
      case 'marker':
        base.text = ev.message ?? ev.body;
        return base;
      default:
        break;
    }
    if (name === 'sched_switch') {
      const st = ev.fields['prev_state'] ?? '';
      if (/^D/.test(st) && ev.stack?.some((f) => WAIT_FRAMES.test(f))) {
        base.kind = 'sched-block';
        base.blocked = true;
      }
      return base;
    }
    if (name === 'console' || name === 'bprint' || name === 'bputs' || name === 'print') {
      const d = decodeDriverLog(ev.body);
      if (d && d.kind !== 'generic') return this.driverLogInto(d, base);
    }
    return base;
  }
}
