/** Detectors: the rule registry, the catalog (settings, docs, SARIF) and the runner. Types in ./types. */

export { RULES, ruleCatalog, ruleInfo, runRules, validateThresholds, type RunOptions } from './rules';
export type { Finding, MissingEvidence, Rule, RuleContext, RuleId, RuleInfo, Severity, Threshold, Thresholds } from './types';
