/**
 * The per-analysis state every rule reads: the model, the shared facts and page-state replay (built once per
 * model and cached), thresholds with defaults filled in, and collectors for findings and missing evidence.
 */

import type { TraceModel } from '../model/types';
import type { Finding, MissingEvidence, Rule, RuleContext, RuleId, RuleInfo } from './types';
import { Facts } from './facts';
import { PageStates } from './pagestate';

interface Shared {
  facts: Facts;
  pages: PageStates;
  /** Event count the facts were built for (a model still being appended to gets fresh facts). */
  events: number;
}

const cache = new WeakMap<TraceModel, Shared>();

export function shared(model: TraceModel): Shared {
  let s = cache.get(model);
  if (!s || s.events !== model.eventCount) {
    const facts = new Facts(model);
    s = { facts, pages: new PageStates(model, facts), events: model.eventCount };
    cache.set(model, s);
  }
  return s;
}

/**
 * Drops the facts of a model once every rule has run: the model outlives the analysis (the views query it for
 * as long as the trace is open) and the facts would otherwise stay with it, tens of MB on a long capture.
 */
export function forgetShared(model: TraceModel): void {
  cache.delete(model);
}

export class DetectContext {
  readonly model: TraceModel;
  readonly facts: Facts;
  readonly pages: PageStates;
  readonly findings: Finding[] = [];
  readonly missing: MissingEvidence[] = [];

  constructor(
    readonly ctx: RuleContext,
    readonly rule: RuleInfo,
  ) {
    this.model = ctx.model;
    const s = shared(ctx.model);
    this.facts = s.facts;
    this.pages = s.pages;
  }

  /** `rule-id.name` from the settings, else the rule's default. */
  threshold(name: string): number {
    const v = this.ctx.thresholds[`${this.rule.id}.${name}`];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    const t = this.rule.thresholds.find((x) => x.name === name);
    if (!t) throw new Error(`rule ${this.rule.id} has no threshold ${name}`);
    return t.default;
  }

  /** A threshold in ms converted to trace ns. */
  thresholdNs(name: string): number {
    const t = this.rule.thresholds.find((x) => x.name === name);
    const v = this.threshold(name);
    return t?.unit === 'us' ? v * 1e3 : v * 1e6;
  }

  note(message: string, probes: string[]): void {
    if (!this.missing.some((m) => m.message === message)) this.missing.push({ rule: this.rule.id, message, probes });
  }

  owners(): ReadonlySet<string> {
    return this.ctx.driverOwners.size > 0 ? this.ctx.driverOwners : this.facts.driverOwners;
  }
}

/** Defines a rule from its info and a detector body working on a DetectContext. */
export function defineRule(info: RuleInfo, detect: (d: DetectContext) => void): Rule {
  return {
    ...info,
    run(ctx: RuleContext) {
      const d = new DetectContext(ctx, info);
      detect(d);
      return { findings: d.findings, missing: d.missing };
    },
  };
}

export type { RuleId };
