/**
 * The rule registry: every rule, in report order, plus the catalog the extension turns into settings and the
 * one entry point the core calls, runRules().
 */

import type { TraceModel } from '../model/types';
import { forgetShared } from './context';
import { exclusiveConversionFailed, exclusivePingPong } from './exclusive';
import { faultLivelock, migrationEntryWait } from './faults';
import { noOpMigration, selfDuringMigration, splitClear } from './invalidation';
import { unfilteredOwn } from './ownership';
import { duplicateInvalidation, permissionUpgrade } from './redundant';
import { longMigrationWindow, moveMappingEagain, pagesNotCollected } from './refcount';
import type { Finding, MissingEvidence, Rule, RuleInfo, Thresholds } from './types';
import { SEVERITY_RANK } from './util';

export const RULES: readonly Rule[] = [
  pagesNotCollected,
  moveMappingEagain,
  faultLivelock,
  migrationEntryWait,
  longMigrationWindow,
  exclusiveConversionFailed,
  splitClear,
  selfDuringMigration,
  noOpMigration,
  duplicateInvalidation,
  permissionUpgrade,
  unfilteredOwn,
  exclusivePingPong,
];

/** Rule metadata without the detector (settings, docs, SARIF rules, hovers). */
export function ruleCatalog(): RuleInfo[] {
  return RULES.map(({ id, title, severity, help, thresholds }) => ({ id, title, severity, help, thresholds: thresholds.map((t) => ({ ...t })) }));
}

export function ruleInfo(id: string): RuleInfo | undefined {
  return ruleCatalog().find((r) => r.id === id);
}

/** Rejects unknown `rule.threshold` names so a typo in settings or on the command line never passes silently. */
export function validateThresholds(t: Thresholds): string[] {
  const errors: string[] = [];
  for (const [k, v] of Object.entries(t)) {
    const dot = k.lastIndexOf('.');
    const rule = RULES.find((r) => r.id === k.slice(0, dot));
    if (!rule) errors.push(`unknown rule in threshold '${k}'`);
    else if (!rule.thresholds.some((x) => x.name === k.slice(dot + 1))) errors.push(`rule ${rule.id} has no threshold '${k.slice(dot + 1)}' (has: ${rule.thresholds.map((x) => x.name).join(', ') || 'none'})`);
    else if (!Number.isFinite(v) || v < 0) errors.push(`threshold '${k}' must be a non-negative number`);
  }
  return errors;
}

export interface RunOptions {
  thresholds?: Thresholds;
  /** Restrict to these rule ids. */
  only?: readonly string[];
}

/** Runs every rule; findings sorted by severity then time. A rule that throws becomes a note, never a crash. */
export function runRules(model: TraceModel, opts: RunOptions = {}): { findings: Finding[]; missingEvidence: MissingEvidence[] } {
  const findings: Finding[] = [];
  const missingEvidence: MissingEvidence[] = [];
  const driverOwners = new Set<string>();
  for (const m of model.migrations) if (m.pgmapOwner && !/^0x0*$/.test(m.pgmapOwner)) driverOwners.add(m.pgmapOwner);
  try {
    for (const rule of RULES) {
      if (opts.only && !opts.only.includes(rule.id)) continue;
      try {
        const r = rule.run({ model, thresholds: opts.thresholds ?? {}, driverOwners });
        for (const f of r.findings) findings.push(f);
        missingEvidence.push(...r.missing);
      } catch (e) {
        missingEvidence.push({ rule: rule.id, message: `rule failed on this trace: ${e instanceof Error ? e.message : String(e)}`, probes: [] });
      }
    }
  } finally {
    forgetShared(model);
  }
  findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.fromTs - b.fromTs || a.rule.localeCompare(b.rule));
  return { findings, missingEvidence };
}
