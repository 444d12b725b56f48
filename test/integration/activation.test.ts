/**
 * The extension as VS Code sees it: installed under its manifest id, activated by opening a trace, its
 * Open Analysis command registered, and that command (and `vscode.openWith`) putting the trace into the
 * `hmmTrace.analysis` custom editor. Runs inside the real extension host (test/integration/index.ts).
 */

import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'hmm-trace.hmm-trace';
const VIEW_TYPE = 'hmmTrace.analysis';

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

/** An example trace from the repository the extension is loaded from (never modified: opened read-only). */
function exampleTrace(name: string): vscode.Uri {
  const file = join(extension().extensionPath, 'examples', name);
  assert.ok(existsSync(file), `${file} is missing`);
  return vscode.Uri.file(file);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The open tab showing `uri` in the analysis custom editor, if any. */
function analysisTab(uri: vscode.Uri, viewType = VIEW_TYPE): vscode.Tab | undefined {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputCustom && tab.input.viewType === viewType && tab.input.uri.fsPath === uri.fsPath) {
        return tab;
      }
    }
  }
  return undefined;
}

describe('hmm-trace extension in the real extension host', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is installed under its manifest id, with the manifest the repository ships', () => {
    const ext = extension();
    const manifest = ext.packageJSON as { name: string; publisher: string; main: string };
    assert.equal(manifest.name, 'hmm-trace');
    assert.equal(manifest.publisher, 'hmm-trace');
    assert.ok(existsSync(join(ext.extensionPath, manifest.main)), `${manifest.main} was not built`);
  });

  it('activates when a trace file is opened, in the language the manifest gives .trace files', async () => {
    const ext = extension();
    const doc = await vscode.workspace.openTextDocument(exampleTrace('double_migrate.trace'));
    await vscode.window.showTextDocument(doc);
    await until('the extension to activate', () => ext.isActive);
    const languages = (ext.packageJSON.contributes?.languages ?? []) as { id: string; extensions?: string[] }[];
    const traceLanguage = languages.find((l) => l.extensions?.includes('.trace'));
    if (traceLanguage) assert.equal(doc.languageId, traceLanguage.id);
  });

  it('opens a trace.dat in the analysis editor by default (it cannot be a text document)', async () => {
    const uri = exampleTrace('double_migrate.dat');
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await until('the trace.dat analysis tab', () => analysisTab(uri, 'hmmTrace.datAnalysis'));
    assert.ok(tab.isActive, 'the analysis of the trace.dat is the active tab');
  });

  it('registers the HMM Trace: Open Analysis command', async () => {
    await extension().activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('hmmTrace.openAnalysis'), 'hmmTrace.openAnalysis is not registered');
  });

  it('Open Analysis on the active trace editor opens it in the analysis custom editor', async () => {
    const uri = exampleTrace('double_migrate.trace');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.commands.executeCommand('hmmTrace.openAnalysis');
    const tab = await until('the analysis editor tab', () => analysisTab(uri));
    assert.equal(tab.isActive, true, 'the analysis editor is not the active tab');
  });

  it('Open Analysis with a file argument (explorer context) opens that file, not the active editor', async () => {
    const active = exampleTrace('double_migrate.trace');
    const other = exampleTrace('pinned.trace');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(active));
    await vscode.commands.executeCommand('hmmTrace.openAnalysis', other);
    await until('the analysis editor tab of pinned.trace', () => analysisTab(other));
    assert.equal(analysisTab(active), undefined, 'the active editor was opened instead of the argument');
  });

  it('vscode.openWith resolves the hmmTrace.analysis custom editor for a trace', async () => {
    const uri = exampleTrace('pinned.trace');
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const tab = await until('the analysis editor tab', () => analysisTab(uri));
    assert.equal((tab.input as vscode.TabInputCustom).viewType, VIEW_TYPE);
  });
});
