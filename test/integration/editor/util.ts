/** Helpers shared by the editor integration suites (run inside the real VS Code extension host). */

import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { HmmTraceApi } from '../../../src/extension/extension';
import type { TraceState } from '../../../src/extension/editor/traceState';

export const EXTENSION_ID = 'hmm-trace.hmm-trace';

export async function api(): Promise<HmmTraceApi> {
  const ext = vscode.extensions.getExtension<HmmTraceApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not loaded`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function capture(...parts: string[]): vscode.Uri {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return vscode.Uri.file(join(ext.extensionPath, 'test', 'fixtures', 'traces', ...parts));
}

/** A copy of a capture in a fresh temp folder (for tests that write notes beside the trace). */
export function scratchCopy(...parts: string[]): vscode.Uri {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-it-'));
  const src = capture(...parts).fsPath;
  const dst = join(dir, basename(src));
  copyFileSync(src, dst);
  return vscode.Uri.file(dst);
}

export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens a capture as text and waits until its analysis reached the editor surfaces. */
export async function openAnalysed(uri: vscode.Uri): Promise<{ editor: vscode.TextEditor; state: TraceState }> {
  const a = await api();
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const state = await until(`analysis of ${uri.fsPath}`, () => a.states.get(uri));
  // .txt captures are switched to the ftrace language by content; the editor is then re-bound
  await until('the ftrace language', () => vscode.window.activeTextEditor?.document.languageId === 'ftrace');
  return { editor: vscode.window.activeTextEditor ?? editor, state };
}
