/**
 * `hmm-trace stats FILE [--json]`: what the trace holds, as the ingest layer understood it: format, line
 * accounting, event counts by name, time span, CPUs, tasks, lost events and the lines it could not read.
 */

import { parseArgs, flag, UsageError } from '../args';
import type { Command } from './command';
import { traceStats, type TraceStatsDetail } from '../../core/ingest/stats';

export const stats: Command = {
  name: 'stats',
  usage: 'stats FILE [--json]',
  summary: 'format, line accounting, event counts, CPUs, tasks, lost events and unparsed lines of a trace',
  help: `
Reads the whole trace (ftrace text, function_graph, trace-cmd report, perf script, dmesg; trace.dat when
supported) and prints what it holds. --json prints exactly one JSON object:
  { file, format, lines, events, unparsed, lostEvents, firstTs, lastTs, cpus, tasks, byName, unparsedSamples }
Timestamps are seconds with 9 decimals (exact). Exit 0 on success, 2 on a usage error or unreadable input.
`,
  async run(argv) {
    const args = parseArgs(argv, [], ['json']);
    if (args.positionals.length !== 1) throw new UsageError(`expected exactly one FILE (usage: ${this.usage})`);
    const file = args.positionals[0];
    const detail = await traceStats(file);
    process.stdout.write(flag(args, 'json') ? `${JSON.stringify(detail.stats)}\n` : human(detail));
    return 0;
  },
};

function human(d: TraceStatsDetail): string {
  const s = d.stats;
  const out: string[] = [];
  out.push(`${s.file}`);
  out.push(`  format     ${s.format}: ${d.formatDetail}${d.clock === 'counter' ? ' (raw counter clock)' : ''}`);
  out.push(`  lines      ${s.lines} = ${d.parsed} parsed + ${s.unparsed} unparsed + ${d.comments} comment + ${d.blank} blank`);
  out.push(`  events     ${s.events}`);
  out.push(`  time       ${s.firstTs ?? '-'} .. ${s.lastTs ?? '-'}${d.outOfOrder ? `  (${d.outOfOrder} out of order)` : ''}`);
  out.push(`  cpus       ${s.cpus.length ? s.cpus.join(' ') : '-'}`);
  out.push(`  lost       ${s.lostEvents}${d.lost.length ? ` on ${d.lost.length} line(s): ${d.lost.slice(0, 5).map((l) => `cpu${l.cpu}@${l.line}`).join(' ')}` : ''}`);
  out.push('');
  out.push('  events by name');
  const names = Object.entries(s.byName);
  const w = Math.max(8, ...names.map(([n]) => n.length));
  for (const [n, c] of names) out.push(`    ${printable(n).padEnd(w)} ${String(c).padStart(9)}`);
  out.push('');
  out.push(`  tasks (${s.tasks.length})`);
  for (const t of s.tasks.slice(0, 20)) out.push(`    ${printable(t.comm).padEnd(16)} ${String(t.pid).padStart(7)} ${String(t.events).padStart(9)}`);
  if (s.tasks.length > 20) out.push(`    ... ${s.tasks.length - 20} more`);
  if (d.warnings.length) {
    out.push('');
    out.push('  warnings');
    for (const x of d.warnings) out.push(`    ${x}`);
  }
  if (s.unparsedSamples.length) {
    out.push('');
    out.push(`  unparsed lines (first ${s.unparsedSamples.length} of ${s.unparsed})`);
    for (const u of s.unparsedSamples) out.push(`    ${String(u.line).padStart(7)}: ${printable(u.text)}`);
  }
  return `${out.join('\n')}\n`;
}

/** Trace text is untrusted: never let it drive the terminal (escape sequences, carriage returns). */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
