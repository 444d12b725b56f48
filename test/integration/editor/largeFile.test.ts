/**
 * Files above VS Code's 50 MB extension-sync limit have no TextDocument in the extension host: Reveal Line
 * then opens the raw file with `vscode.open` and a selection instead of failing.
 */

import * as assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { capture, until } from './util';

function makeLargeTrace(): vscode.Uri {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-it-large-'));
  const file = join(dir, 'large-migrate_fault.trace');
  const text = readFileSync(capture('k6.1', 'migrate_fault-ftrace.txt').fsPath, 'utf8');
  const body = Buffer.from(text.split('\n').filter((l) => l && !l.startsWith('#')).join('\n') + '\n');
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, '# tracer: nop\n');
    for (let written = 0; written < 51 * 1024 * 1024; written += body.length) writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
  return vscode.Uri.file(file);
}

describe('editor: traces above the 50 MB extension limit', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('Reveal Line opens the raw file in an editor tab even though no TextDocument can reach the extension', async () => {
    const uri = makeLargeTrace();
    await vscode.commands.executeCommand('hmmTrace.revealLine', uri.toString(), 5000);
    const tab = await until('a tab on the large trace', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.fsPath === uri.fsPath),
    );
    assert.ok(tab);
    assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.fsPath === uri.fsPath), false, 'VS Code does not sync files above 50 MB to extensions');
  });
});
