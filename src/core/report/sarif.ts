/**
 * SARIF 2.1.0 for GitHub code scanning and other viewers: one run, the rule catalog as tool.driver.rules (help
 * text and markdown, helpUri into docs/rules.md), one result per finding located on the trace line that proves
 * it, the other evidence lines as relatedLocations, and partialFingerprints from Finding.key so a finding keeps
 * its identity across runs. Missing-evidence notes become tool execution notifications.
 */

import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleCatalog } from '../detect/rules';
import type { RuleInfo, Severity } from '../detect/types';
import type { ReportSource } from './source';

export const RULES_DOC_URL = 'https://github.com/hmm-trace/hmm-trace/blob/main/docs/rules.md';
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): SarifLevel {
  return s === 'info' ? 'note' : s;
}

/** `refcount/pages-not-collected` → `RefcountPagesNotCollected` (SARIF's reportingDescriptor.name). */
export function ruleName(id: string): string {
  return id
    .split(/[/-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The anchor docs/rules.md gives each rule section (the rule id itself). */
export function ruleHelpUri(id: string): string {
  return `${RULES_DOC_URL}#${id}`;
}

/** Relative URI (forward slashes, percent-encoded) when the trace is under baseDir, else a file:// URI. */
export function artifactUri(file: string, baseDir: string): string {
  const abs = resolve(file);
  const rel = relative(resolve(baseDir), abs);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).map(encodeURIComponent).join('/');
  return pathToFileURL(abs).href;
}

function thresholdsText(r: RuleInfo): string {
  if (r.thresholds.length === 0) return '';
  return `\n\nThresholds: ${r.thresholds.map((t) => `${r.id}.${t.name} = ${t.default} ${t.unit} (${t.description})`).join('; ')}`;
}

function descriptor(r: RuleInfo) {
  const plain = r.help.replace(/`/g, '');
  return {
    id: r.id,
    name: ruleName(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: plain },
    help: {
      text: `${plain}${thresholdsText(r)}\n\nSee ${ruleHelpUri(r.id)}`,
      markdown: `**${r.title}**\n\n${r.help}${thresholdsText(r)}\n\n[Rule documentation](${ruleHelpUri(r.id)})`,
    },
    helpUri: ruleHelpUri(r.id),
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties: { tags: [r.id.split('/')[0], 'hmm', 'mmu_notifier'] },
  };
}

export interface SarifOptions {
  /** Directory artifact URIs are made relative to (the repository root in CI). Default: process.cwd(). */
  baseDir?: string;
  toolVersion?: string;
}

export function toSarif(src: ReportSource, opts: SarifOptions = {}) {
  const rules = ruleCatalog();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const uri = artifactUri(src.file, opts.baseDir ?? process.cwd());
  const loc = (line: number) => ({ physicalLocation: { artifactLocation: { uri, index: 0 }, region: { startLine: Math.max(1, line) } } });
  const results = src.findings.map((f) => {
    const expected = src.notes?.some((n) => n.findingKey === f.key && n.expected === true) ?? false;
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      level: sarifLevel(f.severity),
      message: { text: `${f.message}\n\n${f.explanation}` },
      locations: [loc(f.lines[0] ?? 1)],
      relatedLocations: f.lines.slice(1).map((line, i) => ({ id: i + 1, ...loc(line), message: { text: `evidence line ${line}` } })),
      partialFingerprints: { 'hmmTraceFindingKey/v1': f.key },
      properties: { pages: f.pages, as: f.as, fromNs: f.fromTs, toNs: f.toTs },
    };
    const ri = index.get(f.rule);
    if (ri !== undefined) result.ruleIndex = ri;
    // a note marking the finding expected is a suppression: kept in the log, shown as suppressed by viewers
    if (expected) {
      const note = src.notes?.find((n) => n.findingKey === f.key && n.expected === true);
      result.suppressions = [{ kind: 'external', status: 'accepted', justification: note?.body ?? 'marked expected' }];
    }
    return result;
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'hmm-trace',
            version: opts.toolVersion ?? '0.0.0',
            informationUri: 'https://github.com/hmm-trace/hmm-trace',
            rules: rules.map(descriptor),
          },
        },
        artifacts: [{ location: { uri }, mimeType: 'text/plain' }],
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: src.missingEvidence.map((m) => ({
              level: 'note',
              message: { text: `${m.message}${m.probes.length > 0 ? ` Probes: ${m.probes.join(' | ')}` : ''}` },
              descriptor: { id: m.rule },
            })),
          },
        ],
        results,
      },
    ],
  };
}
