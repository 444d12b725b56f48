/** Where a rule is documented: the core's link to its section of docs/rules.md (same as SARIF helpUri). */

export { ruleHelpUri as ruleDocUri } from '../../core/report/sarif';
