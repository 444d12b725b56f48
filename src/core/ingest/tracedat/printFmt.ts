/**
 * Parser for an event's `print fmt:` line: the TP_printk() format string(s) and argument expressions as the
 * kernel stringified them, e.g.
 *   "addr=%lx, pte=%lx order=%d", REC->addr, REC->pte, REC->order
 *   "pages:%ld reason:%s (%d)", REC->pages, __print_symbolic(REC->reason, { 0, "flush on task switch" }, ...), REC->reason
 *   "%ps: %s", (void *)REC->ip, REC->buf
 * It produces a small C expression tree that the renderer evaluates against a record, the way libtraceevent's
 * process_fields()/eval_num_arg() do. Anything it cannot parse makes the whole format "unparsed" and the
 * renderer falls back to `field=value` pairs (libtraceevent prints `[FAILED TO PARSE]` then the fields).
 */

export type Expr =
  | { k: 'num'; v: bigint }
  | { k: 'str'; v: string }
  | { k: 'field'; name: string }
  | { k: 'ident'; name: string }
  | { k: 'index'; e: Expr; i: Expr }
  | { k: 'cast'; type: string; e: Expr }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'list'; items: Expr[] }
  | { k: 'un'; op: string; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'cond'; c: Expr; t: Expr; f: Expr };

export interface ParsedPrintFmt {
  format: string;
  args: Expr[];
}

type Tok = { t: 'str' | 'num' | 'id' | 'op'; v: string };

const OPS = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '(', ')', '[', ']', '{', '}', ',', '?', ':', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '.'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) {
          const n = src[j + 1]!;
          if (n === 'n') s += '\n';
          else if (n === 't') s += '\t';
          else if (n === 'r') s += '\r';
          else if (n === '0') s += '\0';
          else s += n;
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new Error('unterminated string');
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      const m = /^'(\\.|[^'])'/.exec(src.slice(i));
      if (!m) throw new Error('bad char literal');
      const ch = m[1]!.length === 2 ? ({ n: '\n', t: '\t', '0': '\0' } as Record<string, string>)[m[1]![1]!] ?? m[1]![1]! : m[1]!;
      out.push({ t: 'num', v: String(ch.charCodeAt(0)) });
      i += m[0].length;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*/.exec(src.slice(i, i + 40));
    if (num) {
      out.push({ t: 'num', v: num[1]! });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(src.slice(i, i + 200));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new Error(`unexpected character ${JSON.stringify(c)}`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

const TYPE_WORDS = new Set([
  'unsigned', 'signed', 'int', 'long', 'short', 'char', 'void', 'bool', '_Bool', 'const', 'volatile', 'struct', 'enum',
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', '__u8', '__u16', '__u32', '__u64', '__s8', '__s16', '__s32', '__s64',
  'size_t', 'ssize_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int8_t', 'int16_t', 'int32_t', 'int64_t',
  'pid_t', 'gfp_t', 'dma_addr_t', 'phys_addr_t', 'resource_size_t', 'loff_t', 'sector_t', 'ino_t', 'dev_t', 'umode_t',
  'uid_t', 'gid_t', 'atomic_t', 'unsigned_long', 'ulong', 'uint',
]);

const BIN_PREC: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

class Parser {
  i = 0;
  constructor(private readonly toks: Tok[]) {}

  peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }

  isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && t.t === 'op' && t.v === v;
  }

  expect(v: string): void {
    if (!this.isOp(v)) throw new Error(`expected "${v}"`);
    this.i++;
  }

  expr(): Expr {
    const c = this.binary(1);
    if (this.isOp('?')) {
      this.i++;
      const t = this.expr();
      this.expect(':');
      const f = this.expr();
      return { k: 'cond', c, t, f };
    }
    return c;
  }

  binary(minPrec: number): Expr {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== 'op') return l;
      const p = BIN_PREC[t.v];
      if (p === undefined || p < minPrec) return l;
      this.i++;
      const r = this.binary(p + 1);
      l = { k: 'bin', op: t.v, l, r };
    }
  }

  /** `(type words [*...])` at the cursor, or undefined when the parenthesis is not a cast. */
  castType(): string | undefined {
    if (!this.isOp('(')) return undefined;
    let j = 1;
    const words: string[] = [];
    for (;;) {
      const t = this.peek(j);
      if (!t) return undefined;
      if (t.t === 'id' && (TYPE_WORDS.has(t.v) || words[words.length - 1] === 'struct' || words[words.length - 1] === 'enum')) {
        words.push(t.v);
        j++;
        continue;
      }
      if (t.t === 'op' && t.v === '*' && words.length > 0) {
        words.push('*');
        j++;
        continue;
      }
      if (t.t === 'op' && t.v === ')' && words.length > 0) {
        this.i += j + 1;
        return words.join(' ');
      }
      return undefined;
    }
  }

  unary(): Expr {
    const t = this.peek();
    if (!t) throw new Error('unexpected end of expression');
    if (t.t === 'op' && (t.v === '-' || t.v === '!' || t.v === '~' || t.v === '+')) {
      this.i++;
      return { k: 'un', op: t.v, e: this.unary() };
    }
    if (t.t === 'op' && t.v === '&') {
      this.i++;
      return this.unary();
    }
    if (t.t === 'op' && t.v === '*') {
      this.i++;
      return { k: 'un', op: '*', e: this.unary() };
    }
    const cast = this.castType();
    if (cast !== undefined) return { k: 'cast', type: cast, e: this.unary() };
    return this.postfix(this.primary());
  }

  postfix(e: Expr): Expr {
    for (;;) {
      if (this.isOp('[')) {
        this.i++;
        const i = this.expr();
        this.expect(']');
        e = { k: 'index', e, i };
      } else if (this.isOp('->') || this.isOp('.')) {
        this.i++;
        const n = this.peek();
        if (!n || n.t !== 'id') throw new Error('expected a member name');
        this.i++;
        if (e.k === 'ident' && e.name === 'REC') e = { k: 'field', name: n.v };
        else e = { k: 'call', name: '.member', args: [e, { k: 'str', v: n.v }] };
      } else return e;
    }
  }

  primary(): Expr {
    const t = this.peek();
    if (!t) throw new Error('unexpected end of expression');
    this.i++;
    if (t.t === 'num') return { k: 'num', v: BigInt(t.v) };
    if (t.t === 'str') {
      let v = t.v;
      while (this.peek()?.t === 'str') v += this.toks[this.i++]!.v;
      return { k: 'str', v };
    }
    if (t.t === 'id') {
      if (this.isOp('(')) {
        this.i++;
        const args: Expr[] = [];
        if (!this.isOp(')')) {
          for (;;) {
            if (t.v === 'sizeof') {
              // sizeof(type): keep the type text
              let depth = 0;
              const words: string[] = [];
              while (this.peek() && !(depth === 0 && this.isOp(')'))) {
                const w = this.toks[this.i++]!;
                if (w.v === '(') depth++;
                if (w.v === ')') depth--;
                words.push(w.v);
              }
              args.push({ k: 'str', v: words.join(' ') });
              break;
            }
            args.push(this.isOp('{') ? this.list() : this.expr());
            if (this.isOp(',')) {
              this.i++;
              continue;
            }
            break;
          }
        }
        this.expect(')');
        return { k: 'call', name: t.v, args };
      }
      return { k: 'ident', name: t.v };
    }
    if (t.v === '(') {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.v === '{') {
      this.i--;
      return this.list();
    }
    throw new Error(`unexpected "${t.v}"`);
  }

  list(): Expr {
    this.expect('{');
    const items: Expr[] = [];
    while (!this.isOp('}')) {
      items.push(this.isOp('{') ? this.list() : this.expr());
      if (this.isOp(',')) this.i++;
      else break;
    }
    this.expect('}');
    return { k: 'list', items };
  }
}

/** Parses a print fmt; throws an Error with a short reason when the expression language is beyond us. */
export function parsePrintFmt(src: string): ParsedPrintFmt {
  const toks = tokenize(src);
  if (toks.length === 0 || toks[0]!.t !== 'str') throw new Error('print fmt does not start with a string');
  let format = '';
  let i = 0;
  while (i < toks.length && toks[i]!.t === 'str') format += toks[i++]!.v;
  const p = new Parser(toks);
  p.i = i;
  const args: Expr[] = [];
  while (p.i < toks.length) {
    p.expect(',');
    args.push(p.expr());
  }
  return { format, args };
}
