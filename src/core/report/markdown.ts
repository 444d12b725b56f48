/**
 * A report a person attaches to a mailing-list mail or a bug: a summary table, then the findings grouped by
 * rule, each with its evidence lines quoted verbatim from the trace, the user's notes beside them, and findings
 * the user marked expected listed as suppressed (never dropped). Every trace string is untrusted: text is
 * escaped, quoted lines go in fences longer than any backtick run they contain.
 */

import { formatTs } from '../ingest/types';
import { ruleCatalog } from '../detect/rules';
import type { Finding } from '../detect/types';
import { ruleHelpUri } from './sarif';
import type { ReportNote, ReportSource } from './source';

/**
 * Escapes the Markdown/HTML metacharacters that could change inline rendering (emphasis, code, links, tables,
 * HTML), so trace text renders as the characters it contains and stays readable as plain text in a mail.
 */
export function mdEscape(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\uFFFD')
      .replace(/\r?\n/g, ' ')
      .replace(/[\\`*[\]|~]/g, (c) => `\\${c}`)
      // intraword underscores (migrate_vma_setup) never emphasise in CommonMark; only escape those at a boundary
      .replace(/_(?![A-Za-z0-9])|(?<![A-Za-z0-9\\])_/g, '\\_')
      .replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'))
  );
}

/** A fenced block whose fence is longer than any backtick run inside it (CommonMark). */
export function fence(lines: string[], info = ''): string {
  // eslint-disable-next-line no-control-regex
  const body = lines.map((l) => l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\uFFFD')).join('\n');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const f = '`'.repeat(Math.max(3, longest + 1));
  return `${f}${info}\n${body}\n${f}`;
}

const MAX_EVIDENCE_LINES = 12;

function evidence(src: ReportSource, f: Finding): string {
  const shown = f.lines.slice(0, MAX_EVIDENCE_LINES);
  const w = String(Math.max(...shown, 1)).length;
  const quoted = shown.map((line) => `${String(line).padStart(w)}: ${src.lineText?.(line) ?? '(line not available)'}`);
  if (f.lines.length > shown.length) quoted.push(`${' '.repeat(w)}  … ${f.lines.length - shown.length} more evidence line(s): ${f.lines.slice(MAX_EVIDENCE_LINES).join(', ')}`);
  return fence(quoted, 'text');
}

function notesFor(src: ReportSource, f: Finding): ReportNote[] {
  return (src.notes ?? []).filter((n) => n.findingKey === f.key || (n.findingKey === undefined && f.lines.includes(n.line)));
}

function findingBlock(src: ReportSource, f: Finding, n: number): string {
  const out: string[] = [];
  out.push(`#### ${n}. ${f.severity.toUpperCase()}: ${mdEscape(f.title)}`);
  out.push('');
  out.push(mdEscape(f.message));
  out.push('');
  out.push(`Time ${formatTs(f.fromTs)} → ${formatTs(f.toTs)}; address space ${mdEscape(String(f.as ?? '-'))}; pages ${f.pages.length > 0 ? mdEscape(f.pages.slice(0, 8).join(', ')) + (f.pages.length > 8 ? ` … (${f.pages.length})` : '') : '-'}; lines ${f.lines.slice(0, 8).join(', ')}${f.lines.length > 8 ? ' …' : ''}.`);
  out.push('');
  out.push(evidence(src, f));
  for (const note of notesFor(src, f)) {
    out.push('');
    out.push(`> **Note** (line ${note.line}${note.expected ? ', expected' : ''}): ${mdEscape(note.body)}`);
  }
  return out.join('\n');
}

export function toMarkdown(src: ReportSource): string {
  const s = src.summary;
  const catalog = ruleCatalog();
  const expectedKeys = new Set((src.notes ?? []).filter((n) => n.expected && n.findingKey).map((n) => n.findingKey as string));
  const active = src.findings.filter((f) => !expectedKeys.has(f.key));
  const suppressed = src.findings.filter((f) => expectedKeys.has(f.key));
  const out: string[] = [];
  out.push(`# hmm-trace report: ${mdEscape(src.file.split(/[\\/]/).pop() ?? src.file)}`);
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| File | ${mdEscape(src.file)} |`);
  out.push(`| Format | ${mdEscape(`${s.format}: ${s.formatDetail}`)} |`);
  if (s.kernelHints.length > 0) out.push(`| Kernel | ${mdEscape(s.kernelHints.join('; '))} |`);
  out.push(`| Events | ${s.events} (${s.lines} lines, ${s.unparsed} unparsed, ${s.lostEvents} lost) |`);
  out.push(`| Time span | ${formatTs(s.firstTs)} → ${formatTs(s.lastTs)} (${((s.lastTs - s.firstTs) / 1e6).toFixed(3)} ms) |`);
  out.push(`| Pages | ${s.pages} in ${s.addressSpaces} address space(s) |`);
  out.push(`| Migrations | ${s.migrations.count} (${s.migrations.requested} pages requested, ${s.migrations.collected} collected, ${s.migrations.migrated} migrated) |`);
  const inv = Object.entries(s.invalidations);
  out.push(`| Invalidations | ${inv.length > 0 ? inv.map(([e, c]) => `${e} ${c}`).join(', ') : 'none captured'} |`);
  out.push(`| Findings | ${active.filter((f) => f.severity === 'error').length} error, ${active.filter((f) => f.severity === 'warning').length} warning, ${active.filter((f) => f.severity === 'info').length} info${suppressed.length > 0 ? `, ${suppressed.length} suppressed as expected` : ''} |`);
  out.push('');
  if (active.length > 0) {
    out.push('## Findings by rule');
    out.push('');
    out.push('| Rule | Severity | Count |');
    out.push('|---|---|---|');
    const byRule = new Map<string, Finding[]>();
    for (const f of active) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    for (const [rule, fs] of byRule) out.push(`| [${rule}](${ruleHelpUri(rule)}) | ${[...new Set(fs.map((f) => f.severity))].join(', ')} | ${fs.length} |`);
    out.push('');
    let n = 0;
    for (const [rule, fs] of byRule) {
      const info = catalog.find((r) => r.id === rule);
      out.push(`### ${rule}: ${mdEscape(info?.title ?? fs[0].title)}`);
      out.push('');
      out.push(fs[0].explanation.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;')));
      out.push('');
      for (const f of fs) {
        out.push(findingBlock(src, f, ++n));
        out.push('');
      }
    }
  } else {
    out.push('No findings: nothing in this trace matched a refcount-stall or spurious-invalidation rule.');
    out.push('');
  }
  if (suppressed.length > 0) {
    out.push('## Suppressed (marked expected)');
    out.push('');
    for (const f of suppressed) {
      const note = src.notes?.find((x) => x.findingKey === f.key && x.expected);
      out.push(`- \`${f.rule}\` ${mdEscape(f.message)} (line ${f.lines[0] ?? '-'}): ${mdEscape(note?.body ?? '')}`);
    }
    out.push('');
  }
  const looseNotes = (src.notes ?? []).filter((n) => !src.findings.some((f) => f.key === n.findingKey || (n.findingKey === undefined && f.lines.includes(n.line))));
  if (looseNotes.length > 0) {
    out.push('## Notes');
    out.push('');
    for (const note of looseNotes) {
      out.push(`- Line ${note.line}: ${mdEscape(note.body)}`);
      const text = src.lineText?.(note.line);
      if (text !== undefined) out.push(`\n${fence([`${note.line}: ${text}`], 'text')}\n`);
    }
    out.push('');
  }
  if (src.missingEvidence.length > 0) {
    out.push('## Missing evidence');
    out.push('');
    for (const m of src.missingEvidence) {
      out.push(`- \`${m.rule}\`: ${mdEscape(m.message)}`);
      if (m.probes.length > 0) out.push(`\n${fence(m.probes, 'sh')}\n`);
    }
    out.push('');
  }
  out.push(`_Generated by hmm-trace. Rule documentation: ${ruleHelpUri('').replace(/#$/, '')}_`);
  return `${out.join('\n')}\n`;
}
