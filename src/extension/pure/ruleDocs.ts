/** Where a rule is documented: docs/rules.md in the repository, one heading per rule id. */

export const RULES_DOC = 'https://github.com/hmm-trace/hmm-trace/blob/main/docs/rules.md';

/** GitHub's heading anchor for a heading that is exactly the rule id (`refcount/pages-not-collected`). */
export function ruleAnchor(rule: string): string {
  return rule.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

export function ruleDocUri(rule: string): string {
  return `${RULES_DOC}#${ruleAnchor(rule)}`;
}
