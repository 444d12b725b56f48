/**
 * Hovers, CodeLens, outline, folding, language detection, Next/Previous Finding, Go to line and the
 * commands in the palette, on real captures in the real editor.
 */

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { capture, openAnalysed, until } from './util';

function lineOf(doc: vscode.TextDocument, re: RegExp, from = 0): number {
  for (let i = from; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line matches ${re}`);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('editor: hovers, CodeLens, outline and navigation', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a .txt capture is switched to the ftrace language by its content', async () => {
    const { editor } = await openAnalysed(capture('k6.1', 'migrate_fault-perf.txt'));
    assert.equal(editor.document.languageId, 'ftrace');
  });

  it('hovering an mmu_notifier start decodes the event, the owner as the driver own and the page state', async () => {
    const { editor } = await openAnalysed(capture('k6.1', 'migrate_fault-ftrace.txt'));
    const line = lineOf(editor.document, /mn_start: .*event=6 owner=0xffffffffc0006440/);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, 60));
    const text = hoverText(hovers);
    assert.match(text, /mn\\_start/);
    assert.match(text, /mmu_notifier event \*\*MIGRATE\*\*/);
    assert.match(text, /the driver's own pgmap owner/);
    assert.match(text, /__mmu_notifier_invalidate_range_start/);
    assert.match(text, /page `0x[0-9a-f]+`/);
    assert.match(text, /\[Show page timeline\]\(command:hmmTrace\.showPageTimeline\?/);
  });

  it('hovering a kretprobe of the fault path decodes VM_FAULT bits and the enclosing call', async () => {
    const { editor } = await openAnalysed(capture('k6.1', 'migrate_fault-ftrace.txt'));
    const line = lineOf(editor.document, /mvma_setup: .*flags=0x2 /);
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, 60)));
    assert.match(text, /MIGRATE_VMA_SELECT_DEVICE_PRIVATE/);
    assert.match(text, /migration of 1 pages to-system/);
  });

  it('hovering a stack frame line decodes the event the stack belongs to', async () => {
    const { editor } = await openAnalysed(capture('k6.1', 'migrate_fault-ftracestack.txt'));
    const line = lineOf(editor.document, /^\s*=> migrate_vma_setup$/);
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, 5)));
    assert.match(text, /mvma\\_setup/);
    assert.match(text, /stack: /);
  });

  it('CodeLens above migrations and invalidations: "Page timeline (16 pages)" and finding counts', async () => {
    const { editor } = await openAnalysed(capture('k6.1', 'migrate_fault-ftrace.txt'));
    const lenses = await until('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 100);
      return l.length > 0 ? l : undefined;
    });
    const setup = lineOf(editor.document, /mvma_setup: .*flags=0x1 /);
    const at = lenses.filter((l) => l.range.start.line === setup).map((l) => l.command?.title);
    assert.ok(at.includes('Page timeline (16 pages)'), `lenses at ${setup + 1}: ${at.join(' | ')}`);
    const mp = await openAnalysed(capture('k6.1', 'mprotect-ftrace.txt'));
    const mpl = await until('mprotect lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', mp.editor.document.uri, 100);
      return l.some((x) => /^\d+ findings?$/.test(x.command?.title ?? '')) ? l : undefined;
    });
    const counted = mpl.find((x) => /^\d+ findings?$/.test(x.command?.title ?? ''));
    assert.equal(counted?.command?.command, 'hmmTrace.revealFinding');
  });

  it('the page timeline of a 2 MiB CLEAR opens on the pages of its range that have events', async () => {
    const { editor, state } = await openAnalysed(capture('k6.1', 'exclusive-tracecmd.txt'));
    const clear = state.analysis.data.invalidations.find((r) => r.event === 'CLEAR' && r.end - r.start === 2 * 1024 * 1024);
    assert.ok(clear, 'the capture has a 2 MiB CLEAR');
    const first = Math.floor(clear.start / 4096);
    const vpns = Array.from({ length: 64 }, (_, i) => first + i);
    await vscode.commands.executeCommand('hmmTrace.showPageTimeline', editor.document.uri.toString(), clear.as, vpns, { start: clear.start, end: clear.end });
    const known = await state.analysis.queries.pages({ as: clear.as, start: clear.start, end: clear.end, offset: 0, limit: 64 });
    const withEvents = known.pages.filter((p) => p.events > 0).length;
    assert.ok(withEvents > 1 && withEvents < 64, `${withEvents} pages with events`);
    await until(`a tab "Page timeline: ${withEvents} pages"`, () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === `Page timeline: ${withEvents} pages`));
  });

  it('the outline has the test program markers as sections, with migrations and invalidations inside', async () => {
    const { editor } = await openAnalysed(capture('k6.1', 'migrate_fault-ftrace.txt'));
    const symbols = await until('document symbols', async () => {
      const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
      return s && s.length > 0 ? s : undefined;
    });
    const markers = symbols.filter((s) => s.kind === vscode.SymbolKind.Namespace);
    assert.ok(markers.some((m) => /scenario migrate_fault start/.test(m.name)));
    const all = symbols.flatMap((s) => [s, ...s.children]);
    assert.ok(all.some((s) => /^migrate_vma 16 pages → device$/.test(s.name)), all.map((s) => s.name).join(' | '));
    assert.ok(all.some((s) => /^MIGRATE 64 KiB/.test(s.name) || /invalidations \(/.test(s.name)));
  });

  it('stack traces fold', async () => {
    const { editor } = await openAnalysed(capture('k6.1', 'migrate_fault-ftracestack.txt'));
    const ranges = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', editor.document.uri);
    const stackLine = lineOf(editor.document, /<stack trace>/);
    assert.ok(ranges.some((r) => r.start === stackLine && r.end > stackLine));
  });

  it('Next Finding and Previous Finding move the selection to the findings, wrapping around', async () => {
    const { editor, state } = await openAnalysed(capture('k6.1', 'mprotect-ftrace.txt'));
    const lines = [...new Set(state.analysis.data.findings.map((f) => f.lines[0]))].sort((a, b) => a - b);
    assert.ok(lines.length >= 2);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('hmmTrace.nextFinding');
    await until('selection on the first finding', () => vscode.window.activeTextEditor?.selection.active.line === lines[0] - 1);
    await vscode.commands.executeCommand('hmmTrace.nextFinding');
    await until('selection on the second finding', () => vscode.window.activeTextEditor?.selection.active.line === lines[1] - 1);
    await vscode.commands.executeCommand('hmmTrace.previousFinding');
    await vscode.commands.executeCommand('hmmTrace.previousFinding');
    await until('wrapped to the last finding', () => vscode.window.activeTextEditor?.selection.active.line === lines[lines.length - 1] - 1);
  });

  it('Reveal Line (the webview asks with a URI string and a line) selects that line', async () => {
    const uri = capture('k6.1', 'munmap-ftrace.txt');
    await openAnalysed(uri);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('hmmTrace.revealLine', uri.toString(), 120);
    await until('line 120 selected', () => vscode.window.activeTextEditor?.document.uri.fsPath === uri.fsPath && vscode.window.activeTextEditor.selection.active.line === 119);
  });

  it('every HMM Trace command of the manifest is registered', async () => {
    const ext = vscode.extensions.getExtension('hmm-trace.hmm-trace');
    const contributed = ((ext?.packageJSON.contributes.commands ?? []) as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
    for (const id of ['hmmTrace.nextFinding', 'hmmTrace.goToEvent', 'hmmTrace.exportReport', 'hmmTrace.annotateInvalidation', 'hmmTrace.revealLine']) assert.ok(contributed.includes(id));
  });
});
