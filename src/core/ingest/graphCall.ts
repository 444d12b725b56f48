/**
 * The call part of a function_graph line, shared by the text tracer and trace-cmd's funcgraph_entry/exit:
 *
 *   `[mark] [duration us] |<2 + 2*depth spaces>func() {`     entry
 *   `[mark] duration us   |<indent>func();`                  leaf (entry and exit on one line)
 *   `[mark] duration us   |<indent>} [/* func *\/]`           exit (funcgraph-tail prints the name)
 *   `                     |<indent>/* text *\/`               trace_printk / marker / event as comment
 *   `==========> |`, `<========== |`                        irq entry / exit
 *
 * Marks (trace_find_mark): `+` >10us, `!` >100us, `#` >1ms, `*` >10ms, `@` >100ms, `$` >1s.
 * Durations are printed as integer microseconds with up to 3 ns digits, truncated to 7 digits in total
 * (`33998.59`), and are kept as integer ns.
 */

import { PIPE, SP, indexOfByte, parseMicros, skipSpaces, trimEnd } from './bytes';

export const enum GraphLine {
  Entry,
  Leaf,
  Exit,
  Comment,
  IrqEnter,
  IrqExit,
  Fail,
}

/** Mutable result reused per line. */
export class GraphPart {
  type = GraphLine.Fail;
  depth = 0;
  durationNs = -1;
  mark = '';
  /** Entry/leaf: the function; exit: the funcgraph-tail name when printed; comment: the inner text. */
  text = '';
}

const MARKS = '+!#*@$';

export function parseGraphPart(buf: Buffer, s: number, e: number, out: GraphPart): GraphLine {
  out.type = GraphLine.Fail;
  out.durationNs = -1;
  out.mark = '';
  out.text = '';
  const bar = indexOfByte(buf, PIPE, s, e);
  if (bar === -1) return GraphLine.Fail;
  // duration column
  let p = skipSpaces(buf, s, bar);
  const colEnd = trimEnd(buf, p, bar);
  if (p < colEnd) {
    const col = buf.toString('latin1', p, colEnd);
    if (col === '==========>') return (out.type = GraphLine.IrqEnter);
    if (col === '<==========') return (out.type = GraphLine.IrqExit);
    if (MARKS.includes(col[0]) && col[1] === ' ') {
      out.mark = col[0];
      p = skipSpaces(buf, p + 1, colEnd);
    }
    if (colEnd - p < 4 || buf[colEnd - 1] !== 115 /* s */ || buf[colEnd - 2] !== 117 /* u */ || buf[colEnd - 3] !== SP) {
      return GraphLine.Fail;
    }
    const ns = parseMicros(buf, p, trimEnd(buf, p, colEnd - 2));
    if (ns < 0) return GraphLine.Fail;
    out.durationNs = ns;
  }
  // call column
  let q = bar + 1;
  let spaces = 0;
  while (q < e && buf[q] === SP) {
    q++;
    spaces++;
  }
  const end = trimEnd(buf, q, e);
  if (q >= end) return GraphLine.Fail;
  out.depth = spaces >= 2 ? (spaces - 2) >> 1 : 0;
  const text = buf.toString('utf8', q, end);
  if (text.startsWith('/*')) {
    if (!text.endsWith('*/')) return GraphLine.Fail;
    out.text = text.slice(2, -2).trim();
    return (out.type = GraphLine.Comment);
  }
  if (text === '}' || text.startsWith('} /*')) {
    if (text.length > 1) {
      // "} /* func */" or, with funcgraph-retval, "} /* func = -22 */"
      const inner = text.slice(4, text.endsWith('*/') ? -2 : undefined).trim();
      const eq = inner.indexOf(' = ');
      out.text = eq === -1 ? inner : inner.slice(0, eq);
    }
    return (out.type = GraphLine.Exit);
  }
  const open = text.indexOf('(');
  if (open <= 0) return GraphLine.Fail;
  // "func [mod]()" : the module tag sits between the name and the parentheses
  out.text = text.slice(0, open).trim();
  if (text.endsWith(') {')) return (out.type = GraphLine.Entry);
  if (text.endsWith(');') || /\); \/\*.*\*\/$/.test(text)) return (out.type = GraphLine.Leaf);
  return GraphLine.Fail;
}

interface OpenCall {
  func: string;
  depth: number;
  ts: number;
}

/**
 * Per-CPU call nesting, so an exit `}` is matched with its entry: the function name (when the line does not
 * print it) and the call's start time. Calls whose exit never came (the buffer wrapped, the trace was
 * stopped) are dropped when a shallower exit arrives.
 */
export class GraphNesting {
  private stacks = new Map<number, OpenCall[]>();

  enter(cpu: number, func: string, depth: number, ts: number): void {
    let st = this.stacks.get(cpu);
    if (!st) this.stacks.set(cpu, (st = []));
    while (st.length > 0 && st[st.length - 1].depth >= depth) st.pop();
    if (st.length < 4096) st.push({ func, depth, ts });
  }

  /** Returns the matching open call, or undefined when its entry is not in the trace. */
  exit(cpu: number, depth: number): OpenCall | undefined {
    const st = this.stacks.get(cpu);
    if (!st) return undefined;
    while (st.length > 0 && st[st.length - 1].depth > depth) st.pop();
    const top = st[st.length - 1];
    if (top && top.depth === depth) {
      st.pop();
      return top;
    }
    return undefined;
  }
}
