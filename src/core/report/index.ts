/** Reports of an analysis: JSON (issue 5 contract), SARIF 2.1.0, Markdown. */

export { toJson, type JsonFinding, type JsonReport } from './json';
export { toSarif, sarifLevel, ruleName, ruleHelpUri, artifactUri, RULES_DOC_URL, type SarifOptions } from './sarif';
export { toMarkdown, mdEscape, fence } from './markdown';
export { reportSource, readLineAt, type ReportNote, type ReportSource } from './source';
