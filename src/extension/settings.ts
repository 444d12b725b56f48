/** The `hmmTrace.*` settings, read in one place. Every threshold key is `rule-id.threshold-name`. */

import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { WorkerAnalyzeOptions } from './worker/messages';

export interface EditorSettings {
  maxDiagnostics: number;
  decorations: boolean;
  codeLens: boolean;
  useWorker: boolean;
  analyzeOnOpen: boolean;
}

export function editorSettings(scope?: vscode.Uri): EditorSettings {
  const c = vscode.workspace.getConfiguration('hmmTrace', scope);
  return {
    maxDiagnostics: Math.max(0, c.get<number>('maxDiagnostics', 200)),
    decorations: c.get<boolean>('decorations.enabled', true),
    codeLens: c.get<boolean>('codeLens.enabled', true),
    useWorker: c.get<boolean>('analysis.useWorker', true),
    analyzeOnOpen: c.get<boolean>('analysis.onOpen', true),
  };
}

/** Analysis options for one trace; probe definition files are read here (relative to the trace's folder). */
export async function analyzeOptions(trace: vscode.Uri): Promise<{ options: WorkerAnalyzeOptions; warnings: string[] }> {
  const c = vscode.workspace.getConfiguration('hmmTrace', trace);
  const warnings: string[] = [];
  const thresholds: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.get<Record<string, unknown>>('thresholds', {}) ?? {})) {
    if (typeof v === 'number' && Number.isFinite(v)) thresholds[k] = v;
    else warnings.push(`hmmTrace.thresholds: "${k}" must be a number (ignored)`);
  }
  const fieldAliases: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(c.get<Record<string, unknown>>('probeFieldAliases', {}) ?? {})) {
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) fieldAliases[k] = v as string[];
    else warnings.push(`hmmTrace.probeFieldAliases: "${k}" must be a list of field names (ignored)`);
  }
  const probeDefinitions: string[] = [];
  for (const f of c.get<string[]>('probeDefinitionFiles', []) ?? []) {
    const path = isAbsolute(f) ? f : resolve(dirname(trace.fsPath), f);
    try {
      probeDefinitions.push(await readFile(path, 'utf8'));
    } catch (e) {
      warnings.push(`hmmTrace.probeDefinitionFiles: cannot read ${path} (${(e as Error).message})`);
    }
  }
  return {
    options: { thresholds, fieldAliases, probeDefinitions, discoverProbes: c.get<boolean>('discoverProbeDefinitions', true) },
    warnings,
  };
}

/** Settings that change an analysis's result (a re-run is needed) vs. only its presentation. */
export function affectsAnalysis(e: vscode.ConfigurationChangeEvent): boolean {
  return ['thresholds', 'probeFieldAliases', 'probeDefinitionFiles', 'discoverProbeDefinitions'].some((k) => e.affectsConfiguration(`hmmTrace.${k}`));
}
