/**
 * The findings contract. Rule ids are a stable public contract (reports, settings, docs, SARIF use them).
 * Each rule lives in one file per family under src/core/detect/ and is registered in rules.ts.
 */

import type { AddressSpace, TraceModel } from '../model/types';

export type Severity = 'error' | 'warning' | 'info';

export type RuleId =
  | 'refcount/pages-not-collected'
  | 'refcount/move-mapping-eagain'
  | 'refcount/fault-livelock'
  | 'refcount/migration-entry-wait'
  | 'refcount/long-migration-window'
  | 'refcount/exclusive-conversion-failed'
  | 'invalidation/split-clear'
  | 'invalidation/self-during-migration'
  | 'invalidation/no-op-migration'
  | 'invalidation/duplicate'
  | 'invalidation/permission-upgrade'
  | 'invalidation/unfiltered-own'
  | 'invalidation/exclusive-ping-pong'
  // rules added beyond the issue list must keep the `family/name` form
  | `${'refcount' | 'invalidation' | 'trace'}/${string}`;

export interface Finding {
  rule: RuleId;
  severity: Severity;
  title: string;
  /** Names the page(s)/range, task and time. Plain text (may contain untrusted comm strings). */
  message: string;
  /** One paragraph: kernel mechanism, likely cause, what to check or capture next. */
  explanation: string;
  as: AddressSpace | null;
  /** Page addresses `0x7facf60de000`, at most 64 listed (range findings list the range's first pages). */
  pages: string[];
  fromTs: number;
  toTs: number;
  /** Evidence lines, most telling first. */
  lines: number[];
  eventIds: number[];
  pid?: number;
  comm?: string;
  /** Stable key of this finding within a trace (rule + as + range + first line), used by notes. */
  key: string;
}

export interface MissingEvidence {
  rule: RuleId;
  message: string;
  /** Probe definitions (kprobe_events syntax) that would let the rule decide. */
  probes: string[];
}

export interface Threshold {
  name: string;
  default: number;
  unit: 'count' | 'ms' | 'us' | 'pages';
  description: string;
}

export interface RuleInfo {
  id: RuleId;
  title: string;
  severity: Severity;
  /** Markdown paragraph(s) for docs, SARIF help and hovers. */
  help: string;
  thresholds: Threshold[];
}

export type Thresholds = Record<string, number>;

export interface RuleContext {
  model: TraceModel;
  /** `rule-id.threshold-name` → value, defaults filled in. */
  thresholds: Thresholds;
  /** Pointer strings known to be a driver's pgmap owner (from migrations seen in the trace). */
  driverOwners: ReadonlySet<string>;
}

export interface Rule extends RuleInfo {
  run(ctx: RuleContext): { findings: Finding[]; missing: MissingEvidence[] };
}
