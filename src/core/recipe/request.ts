/**
 * The argument of "HMM Trace: Create Capture Recipe…" comes from other commands and from the webview's
 * missing-evidence notes, i.e. from trace-derived data: treat it as untrusted. Only known keys of the right
 * type survive; the strings are validated again by makeTarget.
 */

import { RULE_NEEDS } from './needs';
import type { RecipeDriver, RecipeTool } from './target';
import { parseDriver, parseKernelVersion, parseTool } from './target';

export interface RecipeRequest {
  kernel?: string;
  driver?: RecipeDriver;
  tool?: RecipeTool;
  btf?: boolean;
  include: string[];
}

const MAX_INCLUDE = 64;

export function sanitizeRecipeRequest(arg: unknown): RecipeRequest {
  const out: RecipeRequest = { include: [] };
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return out;
  const a = arg as Record<string, unknown>;
  if (typeof a.kernel === 'string') {
    try {
      parseKernelVersion(a.kernel);
      out.kernel = a.kernel.trim();
    } catch {
      // an unusable version is asked for again instead of failing the command
    }
  }
  if (typeof a.driver === 'string') {
    try {
      out.driver = parseDriver(a.driver);
    } catch {
      // asked for with the quick pick instead
    }
  }
  if (typeof a.tool === 'string') {
    try {
      out.tool = parseTool(a.tool);
    } catch {
      // asked for with the quick pick instead
    }
  }
  if (typeof a.btf === 'boolean') out.btf = a.btf;
  if (Array.isArray(a.include)) {
    for (const i of a.include) {
      if (typeof i !== 'string' || i.length > 400 || out.include.length >= MAX_INCLUDE) continue;
      // a rule this recipe version has no capture needs for (a newer rule id) is dropped, not an error
      if (/^[a-z]+\/[a-z0-9-]+$/.test(i.trim()) && !(i.trim() in RULE_NEEDS)) continue;
      out.include.push(i.trim());
    }
  }
  return out;
}

export interface KernelChoice {
  version: string;
  description: string;
}

/** Kernel versions to offer: the local one first (when known), then the layouts that differ. */
export function kernelChoices(localRelease: string | undefined): KernelChoice[] {
  const out: KernelChoice[] = [];
  if (localRelease) {
    try {
      parseKernelVersion(localRelease);
      out.push({ version: localRelease, description: 'this machine (uname -r)' });
    } catch {
      // a release we cannot parse is not offered
    }
  }
  out.push(
    { version: '6.1', description: 'mmu_notifier_range with vma (<= 6.2); Debian 12' },
    { version: '6.6', description: 'vma removed (6.3+), secondary-TLB hook renamed' },
    { version: '6.8', description: 'split_huge_page_to_list_to_order; Ubuntu 24.04' },
    { version: '6.12', description: 'remove_migration_ptes takes rmp flags; Debian 13' },
    { version: '6.15', description: 'make_device_exclusive(), CLEAR on exclusive restore; xe SVM' },
  );
  return out;
}
