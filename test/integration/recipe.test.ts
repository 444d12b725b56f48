/**
 * "HMM Trace: Create Capture Recipe…" in the real extension host: called with the argument a
 * missing-evidence note passes, it skips the questions it can answer and opens the script in an untitled
 * shellscript editor with the missing probes included. (The quick-pick path is driven by the UI tests.)
 */

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('Create Capture Recipe', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('is registered once the extension is active', async () => {
    const ext = vscode.extensions.getExtension('hmm-trace.hmm-trace');
    assert.ok(ext);
    await ext.activate();
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('hmmTrace.createRecipe'));
  });

  it('opens the script for the kernel, driver and tool given, with the probes a rule was missing', async () => {
    const doc = (await vscode.commands.executeCommand('hmmTrace.createRecipe', {
      kernel: '6.1',
      driver: 'test_hmm',
      tool: 'trace-cmd',
      btf: false,
      include: ['r:hmm/mfolio_extra_ret migrate_folio_extra ret=$retval:s32', 'refcount/migration-entry-wait'],
    })) as vscode.TextDocument | undefined;
    assert.ok(doc, 'the command returns the document it opened');
    assert.equal(doc.isUntitled, true);
    assert.equal(doc.languageId, 'shellscript');
    const text = doc.getText();
    assert.match(text, /^#!\/usr\/bin\/env bash\n# hmm-trace capture recipe: kernel 6\.1 \(x86_64\), driver test_hmm, tool trace-cmd\n/);
    assert.match(text, /^probe mfolio_extra_ret 0 \\$/m);
    assert.match(text, /^probe migration_entry_wait_on_locked 0 \\$/m);
    assert.match(text, /'p:kprobes\/mn_start __mmu_notifier_invalidate_range_start start=\+16\(%di\):x64/, '6.1 layout (vma first)');
    assert.equal(vscode.window.activeTextEditor?.document, doc);
  });

  it('ignores argument fields of the wrong type instead of failing', async () => {
    // every question is answered but the include list, which is not a list: still a script
    const doc = (await vscode.commands.executeCommand('hmmTrace.createRecipe', { kernel: '6.12', driver: 'nouveau', tool: 'perf', btf: false, include: 'all' })) as
      | vscode.TextDocument
      | undefined;
    assert.ok(doc);
    assert.match(doc.getText(), /^probe nv_mni 1 \\$/m);
  });
});
