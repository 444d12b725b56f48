/**
 * Is this text a kernel trace? Used to switch `.txt`, `.log` and extension-less files to the ftrace
 * language, whose first line VS Code's own `firstLine` rule never sees (file extensions win over it).
 * Looks at a few lines, because trace-cmd report and perf script have no header of their own.
 */

const FTRACE_HEADER = /^# tracer: \S+/;
const TRACE_CMD_HEADER = /^(?:cpus=\d+|version = \d+)\s*$/;
// comm-PID [(TGID)] [CPU] [flags] TIMESTAMP: (trace_print_context; trace-cmd report uses the same prefix)
const FTRACE_LINE = /^\s*\S.*?-\d+\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[\d{3}\]\s+(?:[.a-zA-Z0-9]{4,7}\s+)?\d+(?:\.\d+)?:\s/;
// perf script: comm PID[/TID] [CPU] TIMESTAMP: [period] system:event:
const PERF_LINE = /^\s*\S.*?\s+\d+(?:\/\d+)?\s+\[\d{3}\]\s+\d+\.\d+:\s+(?:\d+\s+)?[\w.-]+:[\w.-]+:/;
// function_graph without the tracer header: ` 0)   1.382 us    |  func();`
const FUNCGRAPH_LINE = /^\s*(?:\d+\.\d+\s+\|\s+)?\d+\)\s.*\|\s+(?:\S.*[;{}]|\/\*.*\*\/)\s*$/;

export type TraceShape = 'ftrace' | 'trace-cmd-report' | 'perf-script' | 'function-graph';

/** Returns the shape recognised in the first lines, or undefined when it is not a trace. */
export function sniffTraceText(lines: readonly string[]): TraceShape | undefined {
  let ftrace = 0;
  let perf = 0;
  let graph = 0;
  let other = 0;
  for (const raw of lines.slice(0, 50)) {
    const line = raw.replace(/\r$/, '');
    if (FTRACE_HEADER.test(line)) return line.includes('function_graph') ? 'function-graph' : 'ftrace';
    if (TRACE_CMD_HEADER.test(line)) return 'trace-cmd-report';
    if (line.trim() === '' || line.startsWith('#') || /^\s*=>/.test(line) || /^\t/.test(line)) continue;
    if (PERF_LINE.test(line)) perf++;
    else if (FTRACE_LINE.test(line)) ftrace++;
    else if (FUNCGRAPH_LINE.test(line)) graph++;
    else other++;
  }
  const best = Math.max(ftrace, perf, graph);
  // mostly trace lines: a log with one trace line pasted in stays a log
  if (best === 0 || best < other) return undefined;
  return best === perf ? 'perf-script' : best === ftrace ? 'ftrace' : 'function-graph';
}
