/**
 * Notes round-trip through `<trace>.hmmnotes.json`: saved atomically beside a copy of a real capture,
 * shown in hovers, "expected" suppresses the finding's diagnostic (kept in the data), reloaded by a fresh
 * service (a reopened window), and recovered after a simulated crash between write and rename.
 */

import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { sidecarPath, writeNotesFile, readNotesFile } from '../../../src/core/notes';
import { SidecarNotesService } from '../../../src/extension/notes/notesService';
import { api, openAnalysed, scratchCopy, until } from './util';

describe('editor: notes on invalidations', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a note is saved to the sidecar (trace untouched), shown in the hover, and reloaded by a new session', async () => {
    const a = await api();
    const uri = scratchCopy('k6.1', 'migrate_fault-ftrace.txt');
    const before = readFileSync(uri.fsPath);
    const { editor } = await openAnalysed(uri);
    let line = 0;
    for (let i = 0; i < editor.document.lineCount; i++) if (/mn_start: .*event=6/.test(editor.document.lineAt(i).text)) { line = i + 1; break; }
    const note = await a.notes.upsert(uri, { line, body: 'own MIGRATE: dmirror skips it (ret=1)' });
    const json = JSON.parse(readFileSync(sidecarPath(uri.fsPath), 'utf8'));
    assert.equal(json.version, 1);
    assert.equal(json.notes[0].id, note.id);
    assert.deepEqual(readFileSync(uri.fsPath), before, 'the trace itself is never written');
    await until('the hover shows the note', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line - 1, 60));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      return text.includes('own MIGRATE: dmirror skips it') ? text : undefined;
    });
    const fresh = new SidecarNotesService(() => undefined);
    try {
      const reloaded = await fresh.list(uri);
      assert.deepEqual(reloaded.map((n) => [n.id, n.line, n.body]), [[note.id, line, 'own MIGRATE: dmirror skips it (ret=1)']]);
    } finally {
      fresh.dispose();
    }
    await a.notes.remove(uri, note.id);
    assert.deepEqual(JSON.parse(readFileSync(sidecarPath(uri.fsPath), 'utf8')).notes, []);
  });

  it('a note follows its event when lines are inserted above it (the trace edited elsewhere)', async () => {
    const a = await api();
    const uri = scratchCopy('k6.1', 'munmap-ftrace.txt');
    const { editor } = await openAnalysed(uri);
    let line = 0;
    for (let i = 0; i < editor.document.lineCount; i++) if (/tracing_mark_write/.test(editor.document.lineAt(i).text)) { line = i + 1; break; }
    const text = editor.document.lineAt(line - 1).text;
    const note = await a.notes.upsert(uri, { line, body: 'start of the scenario' });
    assert.ok(note.fingerprint, 'the service fingerprints the line');
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# pasted 1\n# pasted 2\n'));
    const [moved] = await a.notes.list(uri);
    assert.equal(moved.line, line + 2);
    assert.equal(editor.document.lineAt(moved.line - 1).text, text);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('marking a finding expected removes its diagnostic but keeps it, listed as expected', async () => {
    const a = await api();
    const uri = scratchCopy('k6.1', 'mprotect-ftrace.txt');
    const { state } = await openAnalysed(uri);
    await until('diagnostics', () => vscode.languages.getDiagnostics(uri).length > 0);
    const total = vscode.languages.getDiagnostics(uri).length;
    const f = state.analysis.data.findings[0];
    await a.notes.upsert(uri, { line: f.lines[0], findingKey: f.key, body: 'mprotect upgrade: expected in this test', expected: true });
    await until('one diagnostic fewer', () => vscode.languages.getDiagnostics(uri).length === total - 1);
    const now = a.states.get(uri);
    assert.ok(now?.expected.has(f.key));
    assert.ok(now?.analysis.data.findings.some((x) => x.key === f.key), 'the finding is kept, not deleted');
  });

  it('Export Report writes Markdown, SARIF and JSON through the core, with the notes and expected findings', async () => {
    const a = await api();
    const uri = scratchCopy('k6.1', 'mprotect-ftrace.txt');
    const { state } = await openAnalysed(uri);
    const f = state.analysis.data.findings[0];
    await a.notes.upsert(uri, { line: f.lines[0], findingKey: f.key, body: 'expected: the test upgrades on purpose', expected: true });
    await until('the note reached the state', () => a.states.get(uri)?.expected.has(f.key));
    const dir = dirname(uri.fsPath);
    for (const [format, ext] of [['markdown', 'md'], ['sarif', 'sarif'], ['json', 'json']] as const) {
      const target = vscode.Uri.file(`${dir}/report.${ext}`);
      await vscode.commands.executeCommand('hmmTrace.exportReport', uri, format, target);
      const text = readFileSync(target.fsPath, 'utf8');
      assert.ok(text.includes('permission-upgrade'), `${format} names the rule`);
      if (format !== 'json') assert.ok(text.includes('expected: the test upgrades on purpose'), `${format} carries the note`);
      if (format === 'sarif') {
        const sarif = JSON.parse(text) as { runs: { results: { suppressions?: unknown[] }[] }[] };
        assert.equal(sarif.runs[0].results.filter((r) => (r.suppressions ?? []).length > 0).length, 1);
      }
    }
  });

  it('a crash between write and rename leaves the old sidecar; the complete temp is recovered on the next load', async () => {
    const uri = scratchCopy('k6.1', 'munmap-ftrace.txt');
    const now = new Date().toISOString();
    await writeNotesFile(uri.fsPath, [{ id: 'old', line: 10, body: 'before', created: now, updated: now }]);
    await assert.rejects(
      writeNotesFile(uri.fsPath, [{ id: 'old', line: 10, body: 'before', created: now, updated: now }, { id: 'new', line: 20, body: 'after', created: now, updated: now }], {
        beforeRename: () => {
          throw new Error('power cut');
        },
      }),
      /power cut/,
    );
    assert.deepEqual((await readNotesFile(uri.fsPath)).notes.map((n) => n.id), ['old'], 'the sidecar is the old, complete file');
    const past = new Date(statSync(sidecarPath(uri.fsPath)).mtimeMs - 10000);
    utimesSync(sidecarPath(uri.fsPath), past, past);
    await new Promise((r) => setTimeout(r, 2100)); // the service leaves temps younger than 2 s to a live writer
    const svc = new SidecarNotesService(() => undefined);
    try {
      assert.deepEqual((await svc.list(uri)).map((n) => n.id), ['old', 'new']);
    } finally {
      svc.dispose();
    }
    assert.deepEqual(readdirSync(dirname(uri.fsPath)).filter((n) => n.includes('.tmp-')), []);
    assert.ok(existsSync(sidecarPath(uri.fsPath)));
  });
});
