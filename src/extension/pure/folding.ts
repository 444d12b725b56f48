/**
 * Folding ranges of a trace: kernel stack traces (`<stack trace>` + ` => frame` lines, perf callchains)
 * and function_graph call blocks (`func() {` … `}`), matched per CPU because the graph tracer interleaves
 * CPUs line by line. 0-based lines, as VS Code wants them.
 */

export interface FoldRegion {
  start: number;
  end: number;
  kind: 'stack' | 'call';
}

// `  19.848591 |   0)  hmmtrac-358   |               |  migrate_vma_setup() {`
const GRAPH = /^\s*(?:\d+\.\d+\s+\|\s+)?(\d+)\)\s.*?\|\s*(?:[+!#*@$]\s*)?(?:\d+(?:\.\d+)?\s+us\s*)?\|(\s*)(.*)$/;

export function foldingRegions(lineAt: (i: number) => string, lineCount: number, maxRegions = 50000): FoldRegion[] {
  const out: FoldRegion[] = [];
  const open = new Map<string, number[]>();
  let stackStart = -1;
  let stackLast = -1;
  const closeStack = (): void => {
    if (stackStart >= 0 && stackLast > stackStart) out.push({ start: stackStart, end: stackLast, kind: 'stack' });
    stackStart = stackLast = -1;
  };
  for (let i = 0; i < lineCount && out.length < maxRegions; i++) {
    const line = lineAt(i);
    // continuation lines of a stack: ` => sym` (ftrace, trace-cmd), `\taddr sym+off (dso)` (perf -g)
    if (/^\s*=>\s/.test(line) || (/^\s+[0-9a-f]{6,16}\s+\S/.test(line) && !GRAPH.test(line))) {
      if (stackStart < 0) stackStart = Math.max(0, i - 1);
      stackLast = i;
      continue;
    }
    closeStack();
    const g = GRAPH.exec(line);
    if (!g) continue;
    const cpu = g[1];
    const body = g[3].trim();
    if (/\)\s*\{$/.test(body)) {
      const stack = open.get(cpu) ?? [];
      stack.push(i);
      open.set(cpu, stack);
    } else if (body.startsWith('}')) {
      const start = open.get(cpu)?.pop();
      if (start !== undefined && i > start) out.push({ start, end: i, kind: 'call' });
    }
  }
  closeStack();
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}
