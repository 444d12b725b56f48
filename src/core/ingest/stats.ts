/**
 * `stats`: what a trace holds, counted while streaming (the CLI's `stats` command and the bench use it).
 * Counts by event name (perf: `sys:event`; function tracer lines are `function`, function_graph calls
 * `funcgraph`), CPUs, tasks (comm + pid), lost events and the first unparsed lines.
 */

import { readTrace } from './index';
import { sniffFormat } from './sniff';
import { formatTs, type ReadOptions } from './types';

export interface TraceStats {
  file: string;
  format: string;
  lines: number;
  events: number;
  unparsed: number;
  lostEvents: number;
  /** Seconds with 9 decimals, exact; null when the trace has no timestamped event. */
  firstTs: string | null;
  lastTs: string | null;
  cpus: number[];
  tasks: { comm: string; pid: number; events: number }[];
  byName: Record<string, number>;
  unparsedSamples: { line: number; text: string }[];
}

export interface TraceStatsDetail {
  stats: TraceStats;
  formatDetail: string;
  comments: number;
  blank: number;
  parsed: number;
  lost: { cpu: number; count?: number; line: number }[];
  warnings: string[];
  outOfOrder: number;
  clock: 'ns' | 'counter';
}

export async function traceStats(path: string, opts: ReadOptions = {}): Promise<TraceStatsDetail> {
  const byName = new Map<string, { n: number }>();
  const cpus = new Set<number>();
  // tasks keyed by pid, then comm (a pid can exec under a new name)
  const tasks = new Map<number, Map<string, { n: number }>>();
  let lastCpu = -2;
  let lastPid = -2;
  let lastComm = '';
  let lastTask = { n: 0 };
  const isPerf = (await sniffFormat(path)).format === 'perf-script';
  let lastName: string | undefined;
  let lastNamed = { n: 0 };
  const summary = await readTrace(
    path,
    (ev) => {
      // events of one name come in runs: the counter of the last name is at hand, one lookup per run
      const key = isPerf && ev.system !== undefined && ev.kind !== 'driver-log' ? `${ev.system}:${ev.name}` : ev.name;
      if (key !== lastName) {
        let c = byName.get(key);
        if (c === undefined) byName.set(key, (c = { n: 0 }));
        lastName = key;
        lastNamed = c;
      }
      lastNamed.n++;
      if (ev.cpu !== lastCpu) {
        lastCpu = ev.cpu;
        if (ev.cpu >= 0) cpus.add(ev.cpu);
      }
      if (ev.pid >= 0) {
        // consecutive events mostly come from the same task: keep its counter at hand
        if (ev.pid !== lastPid || ev.comm !== lastComm) {
          let t = tasks.get(ev.pid);
          if (!t) tasks.set(ev.pid, (t = new Map()));
          let c = t.get(ev.comm);
          if (!c) t.set(ev.comm, (c = { n: 0 }));
          lastPid = ev.pid;
          lastComm = ev.comm;
          lastTask = c;
        }
        lastTask.n++;
      }
    },
    { fields: false, bodies: false, ...opts },
  );
  const taskList: TraceStats['tasks'] = [];
  for (const [pid, comms] of tasks) for (const [comm, c] of comms) taskList.push({ comm, pid, events: c.n });
  taskList.sort((a, b) => b.events - a.events || a.pid - b.pid);
  const sortedNames = [...byName].map(([name, c]): [string, number] => [name, c.n]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const stats: TraceStats = {
    file: path,
    format: summary.format,
    lines: summary.lines,
    events: summary.events,
    unparsed: summary.unparsedLines,
    lostEvents: summary.lostEvents,
    firstTs: summary.firstTs === undefined ? null : formatTs(summary.firstTs),
    lastTs: summary.lastTs === undefined ? null : formatTs(summary.lastTs),
    cpus: [...cpus].sort((a, b) => a - b),
    tasks: taskList,
    byName: Object.fromEntries(sortedNames),
    unparsedSamples: summary.unparsedSamples.map((u) => ({ line: u.line, text: u.text })),
  };
  return {
    stats,
    formatDetail: summary.formatDetail,
    comments: summary.commentLines,
    blank: summary.blankLines,
    parsed: summary.parsedLines,
    lost: summary.lost,
    warnings: summary.warnings,
    outOfOrder: summary.outOfOrder,
    clock: summary.clock,
  };
}
