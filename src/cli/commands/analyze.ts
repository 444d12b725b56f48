/**
 * `hmm-trace analyze FILE`: the whole pipeline headless. Human output is a summary and the findings grouped by
 * rule with the trace lines that prove them; --json prints the issue-5 object; --sarif/--markdown write
 * reports; --fail-on turns findings into exit code 1 for CI.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { flag, option, parseArgs, UsageError } from '../args';
import type { Command } from './command';
import { version } from '../version';
import { analyzeFile } from '../../core/analyze';
import { ruleCatalog } from '../../core/detect/rules';
import type { Finding, Severity, Thresholds } from '../../core/detect/types';
import { formatTs } from '../../core/ingest/types';
import { reportSource, toJson, toMarkdown, toSarif, type ReportSource } from '../../core/report';
import { heapWarning } from '../memory';

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];
const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export const analyze: Command = {
  name: 'analyze',
  usage: 'analyze FILE [--probes FILE]... [--json] [--sarif OUT] [--markdown OUT] [--fail-on error|warning|info] [--threshold rule.name=value]...',
  summary: 'find refcount stalls and spurious invalidations, with the trace lines that prove them',
  help: `
Runs ingest, the page model and every detector on FILE (ftrace text, function_graph, trace-cmd report,
perf script, dmesg, trace.dat when supported). kprobe_events files next to the trace are used to name
probes; --probes adds definitions explicitly.

  --json                 print one JSON object: { file, format, summary, findings, missingEvidence }
  --sarif OUT            write SARIF 2.1.0 (GitHub code scanning); URIs relative to the current directory
  --markdown OUT         write a Markdown report for a mail or a bug
  --fail-on LEVEL        exit 1 when a finding of LEVEL or above exists (error, warning, info)
  --threshold R.N=V      override a rule threshold, e.g. refcount/long-migration-window.windowMs=20

Exit codes: 0 no finding at or above --fail-on (or no --fail-on), 1 such findings, 2 usage or input errors.
Rules and thresholds: docs/rules.md.
`,
  async run(argv) {
    const args = parseArgs(argv, ['probes', 'sarif', 'markdown', 'fail-on', 'threshold'], ['json']);
    if (args.positionals.length !== 1) throw new UsageError(`expected exactly one FILE (usage: hmm-trace ${this.usage})`);
    const file = args.positionals[0];
    const failOn = option(args, 'fail-on');
    if (failOn !== undefined && !SEVERITIES.includes(failOn as Severity)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')} (got '${failOn}')`);
    const thresholds = parseThresholds(args.options.get('threshold') ?? []);
    const probeDefinitions = (args.options.get('probes') ?? []).map((p) => readFileSync(p, 'utf8'));
    const warning = heapWarning(file);
    if (warning) process.stderr.write(`${warning}\n`);
    const a = await analyzeFile(file, { probeDefinitions: probeDefinitions.length > 0 ? probeDefinitions : undefined, thresholds });
    const src = reportSource(a);
    try {
      const sarifOut = option(args, 'sarif');
      if (sarifOut !== undefined) writeFileSync(sarifOut, `${JSON.stringify(toSarif(src, { toolVersion: version }), null, 2)}\n`);
      const mdOut = option(args, 'markdown');
      if (mdOut !== undefined) writeFileSync(mdOut, toMarkdown(src));
      process.stdout.write(flag(args, 'json') ? `${JSON.stringify(toJson(src))}\n` : human(src, a.probes.sources, a.ingest.unparsedSamples.length, a.ingest.warnings));
    } finally {
      src.close();
    }
    if (failOn === undefined) return 0;
    const bar = RANK[failOn as Severity];
    return a.findings.some((f) => RANK[f.severity] >= bar) ? 1 : 0;
  },
};

/** `rule/id.name=value` pairs; unknown rules/names are rejected by analyzeFile with the valid names. */
export function parseThresholds(values: string[]): Thresholds {
  const out: Thresholds = {};
  for (const v of values) {
    const m = /^([a-z]+\/[a-z0-9-]+\.[A-Za-z]+)=(\d+(?:\.\d+)?)$/.exec(v);
    if (!m) throw new UsageError(`--threshold expects rule/id.name=number, e.g. refcount/long-migration-window.windowMs=20 (got '${v}')`);
    const [rule, name] = [m[1].slice(0, m[1].lastIndexOf('.')), m[1].slice(m[1].lastIndexOf('.') + 1)];
    const info = ruleCatalog().find((r) => r.id === rule);
    if (!info) throw new UsageError(`--threshold: unknown rule '${rule}'`);
    if (!info.thresholds.some((t) => t.name === name)) throw new UsageError(`--threshold: rule ${rule} has no threshold '${name}' (has: ${info.thresholds.map((t) => t.name).join(', ') || 'none'})`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Trace text is untrusted: never let it drive the terminal (escape sequences, carriage returns). */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const MAX_LINES_SHOWN = 4;

/** Greedy word wrap for the explanation paragraphs. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (cur.length > 0 && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur.length > 0 ? `${cur} ${w}` : w;
  }
  if (cur.length > 0) lines.push(cur);
  return lines;
}

function human(src: ReportSource, probeSources: string[], unparsedShown: number, warnings: string[]): string {
  const s = src.summary;
  const out: string[] = [];
  const span = (s.lastTs - s.firstTs) / 1e6;
  out.push(printable(s.file));
  out.push(`  format         ${printable(`${s.format}: ${s.formatDetail}`)}`);
  if (probeSources.length > 0) out.push(`  probes from    ${printable(probeSources.join(', '))}`);
  out.push(`  events         ${s.events} on ${s.lines} lines${s.unparsed > 0 ? ` (${s.unparsed} unparsed${unparsedShown > 0 ? ': see hmm-trace stats' : ''})` : ''}${s.lostEvents > 0 ? `, ${s.lostEvents} LOST` : ''}`);
  out.push(`  span           ${formatTs(s.firstTs)} → ${formatTs(s.lastTs)} (${span.toFixed(3)} ms)`);
  out.push(`  pages          ${s.pages} in ${s.addressSpaces} address space(s)`);
  out.push(`  migrations     ${s.migrations.count}: ${s.migrations.requested} pages requested, ${s.migrations.collected} collected, ${s.migrations.migrated} migrated`);
  const inv = Object.entries(s.invalidations).sort((a, b) => b[1] - a[1]);
  out.push(`  invalidations  ${inv.length > 0 ? inv.map(([e, c]) => `${e} ${c}`).join(', ') : 'none captured'}`);
  for (const w of warnings.slice(0, 3)) out.push(`  warning        ${printable(w)}`);
  out.push('');
  if (src.findings.length === 0) out.push('No findings.');
  else out.push(`Findings: ${s.findings.error} error, ${s.findings.warning} warning, ${s.findings.info} info`);
  const byRule = new Map<string, Finding[]>();
  for (const f of src.findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  for (const [rule, fs] of byRule) {
    out.push('');
    out.push(`${rule} (${fs.length}): ${fs[0].title}`);
    for (const l of wrap(fs[0].explanation, 100)) out.push(`  │ ${l}`);
    for (const f of fs) {
      out.push(`  ${f.severity.toUpperCase().padEnd(7)} ${printable(f.message)}`);
      for (const line of f.lines.slice(0, MAX_LINES_SHOWN)) {
        const text = src.lineText?.(line);
        out.push(`    ${String(line).padStart(7)}: ${text !== undefined ? printable(text.trim()).slice(0, 200) : ''}`);
      }
      if (f.lines.length > MAX_LINES_SHOWN) out.push(`             … ${f.lines.length - MAX_LINES_SHOWN} more line(s): ${f.lines.slice(MAX_LINES_SHOWN, MAX_LINES_SHOWN + 12).join(', ')}${f.lines.length > MAX_LINES_SHOWN + 12 ? ', …' : ''}`);
    }
  }
  if (src.missingEvidence.length > 0) {
    out.push('');
    out.push('Missing evidence (capture these to let the rules decide):');
    for (const m of src.missingEvidence) {
      out.push(`  ${m.rule}: ${printable(m.message)}`);
      for (const p of m.probes) out.push(`    ${printable(p)}`);
    }
  }
  out.push('');
  out.push('Explanations and thresholds: docs/rules.md, or --markdown OUT for a full report.');
  return `${out.join('\n')}\n`;
}
