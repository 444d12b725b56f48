/**
 * Renders a record through its event's print fmt, following libtraceevent's printf handling (the text
 * `trace-cmd report` prints): the length modifier decides the C type a value is cast to (`%d` -> int,
 * `%ld` -> long of the traced kernel, `%lld`/`%Ld` -> 64-bit), `%p` prints `0x...`, `%ps`/`%pS` resolve
 * kernel symbols through kallsyms (`0x...` when the address is not a kernel symbol), `__print_symbolic`,
 * `__print_flags`, `__get_str`, `__print_hex`, `__print_array` and ternaries are evaluated.
 */

import type { EventFormat } from './eventFormat';
import { parsePrintFmt, type Expr, type ParsedPrintFmt } from './printFmt';
import { formatOne } from './printf';
import { bytesToString, element, fieldValue, type Bytes, type RecordView, type Val } from './recordData';
import type { Kallsyms } from './symbols';

export interface RenderEnv {
  syms: Kallsyms;
  longSize: number;
}

export interface Rendered {
  body: string;
}

class Unsupported extends Error {}

export interface Conv {
  lit: string;
  flags: string;
  width?: number | '*';
  prec?: number | '*';
  length: string;
  conv: string;
  pext: string;
}

export interface CompiledFmt {
  ok: boolean;
  reason?: string;
  parsed?: ParsedPrintFmt;
  convs: Conv[];
  tail: string;
}

const CONV_RE = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|L|z|j|t|q)?([diouxXcspn%])/g;

export function compileFmt(printFmt: string): CompiledFmt {
  try {
    return compileConversions(parsePrintFmt(printFmt));
  } catch (e) {
    return { ok: false, reason: (e as Error).message, convs: [], tail: '' };
  }
}

/** Splits a C format string into literal text and conversions (no argument expressions). */
export function compileConversions(parsed: ParsedPrintFmt): CompiledFmt {
  {
    const convs: Conv[] = [];
    let last = 0;
    let lit = '';
    CONV_RE.lastIndex = 0;
    for (let m = CONV_RE.exec(parsed.format); m; m = CONV_RE.exec(parsed.format)) {
      lit += parsed.format.slice(last, m.index);
      last = m.index + m[0].length;
      if (m[5] === '%') {
        lit += '%';
        continue;
      }
      let pext = '';
      if (m[5] === 'p') {
        const ext = /^[a-zA-Z]\w?\d?/.exec(parsed.format.slice(last));
        if (ext && /^[FfSsBbMmIiUKRrxXhdtoae]/.test(ext[0])) {
          // only letters the kernel's vsprintf treats as %p extensions are consumed
          pext = /^[IiM]/.test(ext[0]) ? ext[0].slice(0, /^[Ii][46]/.test(ext[0]) ? 2 : 1) : ext[0][0]!;
          last += pext.length;
        }
      }
      convs.push({
        lit,
        flags: m[1] ?? '',
        width: m[2] === undefined ? undefined : m[2] === '*' ? '*' : Number(m[2]),
        prec: m[3] === undefined ? undefined : m[3] === '*' ? '*' : Number(m[3]),
        length: m[4] ?? '',
        conv: m[5]!,
        pext,
      });
      lit = '';
    }
    return { ok: true, parsed, convs, tail: lit + parsed.format.slice(last) };
  }
}

/**
 * Formats already-extracted values (trace_printk's binary arguments) with a compiled format. Conversions
 * without a value print nothing, as libtraceevent does when the buffer runs short.
 */
export function formatValues(fmt: CompiledFmt, values: Val[], r: RecordView, env: RenderEnv): string {
  let out = '';
  let i = 0;
  for (const c of fmt.convs) {
    out += c.lit;
    const width = c.width === '*' ? Number(values[i++] ?? 0n) : c.width;
    const prec = c.prec === '*' ? Number(values[i++] ?? 0n) : c.prec;
    const v = values[i++];
    if (v === undefined) continue;
    out += formatOne(c, width, prec, v, r, env);
  }
  return out + fmt.tail;
}

export function render(ev: EventFormat, fmt: CompiledFmt, r: RecordView, env: RenderEnv): Rendered {
  if (fmt.ok && fmt.parsed) {
    try {
      return renderWith(ev, fmt, r, env);
    } catch {
      // Unsupported helpers, type mismatches in a hand-written print fmt: the fields are still shown
    }
  }
  return renderRaw(ev, r);
}

function renderWith(ev: EventFormat, fmt: CompiledFmt, r: RecordView, env: RenderEnv): Rendered {
  const args = fmt.parsed!.args;
  let out = '';
  let ai = 0;
  const ctx = { ev, r, env };
  const next = (): Val => {
    const a = args[ai++];
    if (!a) throw new Unsupported('too few arguments');
    return evaluate(a, ctx);
  };
  for (const c of fmt.convs) {
    out += c.lit;
    const width = c.width === '*' ? Number(asInt(next())) : c.width;
    const prec = c.prec === '*' ? Number(asInt(next())) : c.prec;
    out += formatOne(c, width, prec, next(), r, env);
  }
  out += fmt.tail;
  return { body: out };
}

/** libtraceevent's fallback when a print fmt cannot be evaluated: every non-common field as name=value. */
export function renderRaw(ev: EventFormat, r: RecordView): Rendered {
  const parts: string[] = [];
  for (const f of ev.fields) {
    if (f.name.startsWith('common_')) continue;
    const v = fieldValue(r, f);
    let text: string;
    if (typeof v === 'bigint') text = f.signed ? v.toString() : `0x${v.toString(16)}`;
    else if (typeof v === 'string') text = v;
    else if (v.str) text = bytesToString(r, v);
    else text = arrayText(r, v);
    parts.push(`${f.name}=${text}`);
  }
  return { body: parts.join(' ') };
}

function arrayText(r: RecordView, v: Bytes): string {
  const n = Math.floor(v.len / v.elem);
  const items: string[] = [];
  for (let i = 0; i < Math.min(n, 64); i++) items.push(`0x${BigInt.asUintN(v.elem * 8, element(r, v, i)).toString(16)}`);
  return `{${items.join(',')}}`;
}

interface Ctx {
  ev: EventFormat;
  r: RecordView;
  env: RenderEnv;
}

function asInt(v: Val): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') throw new Unsupported('string used as a number');
  return BigInt(v.start); // address-like use of an array: only its identity matters
}

function typeBits(type: string, longSize: number): { bits: number; signed: boolean } | undefined {
  if (type.includes('*')) return { bits: longSize * 8, signed: false };
  const t = type.replace(/\b(const|volatile)\b/g, '').trim();
  const unsigned = /\bunsigned\b|^u\d|^__u\d|^uint|_t$/.test(t) && !/^(int\d+_t|ssize_t|loff_t|pid_t)$/.test(t);
  if (/^(struct|enum)\b/.test(t)) return /^enum/.test(t) ? { bits: 32, signed: false } : undefined;
  let bits: number;
  if (/long long|64/.test(t) || /^(loff_t|sector_t|dma_addr_t|phys_addr_t)$/.test(t)) bits = 64;
  else if (/long|size_t|ssize_t/.test(t)) bits = longSize * 8;
  else if (/short|16/.test(t)) bits = 16;
  else if (/char|8|bool/.test(t)) bits = 8;
  else bits = 32;
  return { bits, signed: !unsigned && !/bool/.test(t) };
}

function evaluate(e: Expr, c: Ctx): Val {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'str':
      return e.v;
    case 'field': {
      const f = c.ev.byName.get(e.name);
      if (!f) throw new Unsupported(`no field ${e.name}`);
      return fieldValue(c.r, f);
    }
    case 'ident': {
      // helpers such as __get_str(name) take the bare field name
      const f = c.ev.byName.get(e.name);
      if (!f) throw new Unsupported(`unknown identifier ${e.name}`);
      return fieldValue(c.r, f);
    }
    case 'index': {
      const base = evaluate(e.e, c);
      const i = Number(asInt(evaluate(e.i, c)));
      if (typeof base === 'object') return element(c.r, base, i);
      throw new Unsupported('index of a scalar');
    }
    case 'cast': {
      const v = evaluate(e.e, c);
      if (typeof v !== 'bigint') return v;
      const tb = typeBits(e.type, c.env.longSize);
      if (!tb) return v;
      return tb.signed ? BigInt.asIntN(tb.bits, v) : BigInt.asUintN(tb.bits, v);
    }
    case 'un': {
      const v = asInt(evaluate(e.e, c));
      if (e.op === '-') return -v;
      if (e.op === '!') return v === 0n ? 1n : 0n;
      if (e.op === '~') return BigInt.asUintN(64, ~v);
      if (e.op === '+') return v;
      throw new Unsupported(`unary ${e.op}`);
    }
    case 'bin':
      return binary(e.op, e.l, e.r, c);
    case 'cond':
      return asInt(evaluate(e.c, c)) !== 0n ? evaluate(e.t, c) : evaluate(e.f, c);
    case 'list':
      throw new Unsupported('brace list outside a helper');
    case 'call':
      return call(e.name, e.args, c);
  }
}

function binary(op: string, le: Expr, re: Expr, c: Ctx): bigint {
  if (op === '&&') return asInt(evaluate(le, c)) !== 0n && asInt(evaluate(re, c)) !== 0n ? 1n : 0n;
  if (op === '||') return asInt(evaluate(le, c)) !== 0n || asInt(evaluate(re, c)) !== 0n ? 1n : 0n;
  const l = asInt(evaluate(le, c));
  const r = asInt(evaluate(re, c));
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': if (r === 0n) throw new Unsupported('division by zero'); return l / r;
    case '%': if (r === 0n) throw new Unsupported('division by zero'); return l % r;
    case '<<': return BigInt.asUintN(64, l << r);
    case '>>': return l >> r;
    case '&': return l & r;
    case '|': return l | r;
    case '^': return l ^ r;
    case '==': return l === r ? 1n : 0n;
    case '!=': return l !== r ? 1n : 0n;
    case '<': return l < r ? 1n : 0n;
    case '>': return l > r ? 1n : 0n;
    case '<=': return l <= r ? 1n : 0n;
    case '>=': return l >= r ? 1n : 0n;
    default: throw new Unsupported(`operator ${op}`);
  }
}

function asBytes(v: Val): Bytes {
  if (typeof v === 'object') return v;
  throw new Unsupported('expected an array');
}

function symbolPairs(args: Expr[], c: Ctx): { v: bigint; s: string }[] {
  const out: { v: bigint; s: string }[] = [];
  for (const a of args) {
    if (a.k !== 'list' || a.items.length < 2) throw new Unsupported('bad symbol table');
    const s = evaluate(a.items[1]!, c);
    out.push({ v: asInt(evaluate(a.items[0]!, c)), s: typeof s === 'string' ? s : String(s) });
  }
  return out;
}

function call(name: string, args: Expr[], c: Ctx): Val {
  switch (name) {
    case '__get_str':
    case '__get_rel_str': {
      const v = evaluate(args[0]!, c);
      return typeof v === 'object' ? bytesToString(c.r, v) : String(v);
    }
    case '__get_dynamic_array':
    case '__get_rel_dynamic_array':
      return asBytes(evaluate(args[0]!, c));
    case '__get_dynamic_array_len':
    case '__get_rel_dynamic_array_len':
      return BigInt(asBytes(evaluate(args[0]!, c)).len);
    case '__print_symbolic':
    case '__print_symbolic_u64': {
      const v = asInt(evaluate(args[0]!, c));
      const hit = symbolPairs(args.slice(1), c).find((p) => p.v === v);
      return hit ? hit.s : `0x${BigInt.asUintN(64, v).toString(16)}`;
    }
    case '__print_flags':
    case '__print_flags_u64': {
      let v = BigInt.asUintN(64, asInt(evaluate(args[0]!, c)));
      const delimV = evaluate(args[1]!, c);
      const delim = typeof delimV === 'string' ? delimV : '';
      const parts: string[] = [];
      for (const p of symbolPairs(args.slice(2), c)) {
        if (v === 0n && p.v === 0n) {
          parts.push(p.s);
          break;
        }
        if (p.v !== 0n && (v & p.v) === p.v) {
          parts.push(p.s);
          v &= ~p.v;
        }
      }
      if (v !== 0n) parts.push(`0x${v.toString(16)}`);
      return parts.join(delim);
    }
    case '__print_hex':
    case '__print_hex_str': {
      const b = asBytes(evaluate(args[0]!, c));
      const n = Math.min(Number(asInt(evaluate(args[1]!, c))), b.len);
      const hex: string[] = [];
      for (let i = 0; i < n; i++) hex.push(c.r.buf[b.start + i]!.toString(16).padStart(2, '0'));
      return hex.join(name === '__print_hex' ? ' ' : '');
    }
    case '__print_array': {
      const b = asBytes(evaluate(args[0]!, c));
      const count = Number(asInt(evaluate(args[1]!, c)));
      const el = Number(asInt(evaluate(args[2]!, c)));
      const view: Bytes = { ...b, elem: el, signed: false };
      const items: string[] = [];
      for (let i = 0; i < count && (i + 1) * el <= b.len; i++) items.push(`0x${element(c.r, view, i).toString(16)}`);
      return `{${items.join(',')}}`;
    }
    default:
      throw new Unsupported(`helper ${name}() is not known`);
  }
}
