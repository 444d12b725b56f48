/**
 * Capture recipes (issue 9): for a kernel version, driver and recording tool, the script that records a trace
 * hmm-trace can analyse. Entry points:
 * - makeTarget(input) validates loose input (CLI flags, quick picks, a webview message);
 * - buildRecipe(target) → Recipe (probes with their definitions, tracepoints, debug switches, rule table);
 * - recipeText(target) → the bash script, or bare definitions when target.probesOnly.
 */

import { buildRecipe } from './recipe';
import { renderProbesOnly, renderScript } from './render';
import type { RecipeTarget } from './target';

export { buildRecipe, definitionsFor, ALL_PROBES, PROBE_GROUP, BTF_MEMBER_ACCESS } from './recipe';
export type { Recipe, RecipeProbe, RuleCoverage } from './recipe';
export { renderScript, renderProbesOnly } from './render';
export { makeTarget, parseKernelVersion, parseDriver, parseTool, parseComm, RecipeError, DRIVERS, TOOLS, DRIVER_TITLES, TOOL_TITLES } from './target';
export type { RecipeTarget, RecipeDriver, RecipeTool, KernelVersion, TargetInput } from './target';
export { parseProbeDefinition, parseProbeDefinitions, formatProbeDefinition, definitionFile } from './definition';
export type { ProbeDefinition, ProbeArg, ProbeKind } from './definition';
export { RULE_NEEDS } from './needs';
export { sampleLine } from './sample';
export type { SampleFormat } from './sample';

export function recipeText(target: RecipeTarget, generator?: string): string {
  const recipe = buildRecipe(target);
  return target.probesOnly ? renderProbesOnly(recipe) : renderScript(recipe, generator);
}
export { sanitizeRecipeRequest, kernelChoices } from './request';
export type { RecipeRequest, KernelChoice } from './request';
export { atLeast as atLeastKernel } from './target';
