/**
 * Notes from commands: "Annotate Invalidation…" on the current line (any event line; the invalidation and
 * the findings on it are named in the prompt), and marking a finding expected / unexpected from the tree.
 */

import * as vscode from 'vscode';
import type { Finding } from '../../core/detect/types';
import { fingerprintLine } from '../../core/notes';
import { rangeSize } from '../pure/format';
import { originName } from '../pure/findingsPlan';
import type { TraceState } from '../editor/traceState';
import type { FindingsNode } from '../views/findingsView';
import { stateOf, traceOf, type CommandContext } from './context';

export function registerAnnotateCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('hmmTrace.annotateInvalidation', async (uriArg?: unknown, lineArg?: unknown) => {
      const uri = traceOf(ctx, uriArg);
      const editor = vscode.window.activeTextEditor;
      const line = typeof lineArg === 'number' ? lineArg : editor && uri && editor.document.uri.toString() === uri.toString() ? editor.selection.active.line + 1 : undefined;
      const st = await stateOf(ctx, uri);
      if (!st || line === undefined) return;
      await annotate(ctx, st, line);
    }),
    vscode.commands.registerCommand('hmmTrace.markFindingExpected', async (node?: FindingsNode) => {
      const f = node?.type === 'finding' ? node.finding : undefined;
      const st = ctx.states.active;
      if (!f || !st) return;
      const why = await vscode.window.showInputBox({ prompt: `Why is "${f.title}" expected? (kept in the notes file and in reports)`, value: 'Expected behaviour' });
      if (why === undefined) return;
      await setExpected(ctx, st, f, true, why);
    }),
    vscode.commands.registerCommand('hmmTrace.unmarkFindingExpected', async (node?: FindingsNode) => {
      const f = node?.type === 'finding' ? node.finding : undefined;
      const st = ctx.states.active;
      if (f && st) await setExpected(ctx, st, f, false);
    }),
  ];
}

async function annotate(ctx: CommandContext, st: TraceState, line: number): Promise<void> {
  const inv = st.index.invalidationAt.get(line);
  const findings = st.index.findingsAt.get(line) ?? [];
  const what = inv ? `${inv.event} ${rangeSize(inv.start, inv.end)}${inv.origin !== 'unknown' ? ` from ${originName(inv.origin)}` : ''}` : `line ${line}`;
  const existing = st.notes.find((n) => n.line === line && !n.findingKey);
  const body = await vscode.window.showInputBox({
    title: `HMM Trace: note on ${what}`,
    prompt: findings.length ? `Findings here: ${findings.map((f) => f.rule).join(', ')}` : 'Your note is saved beside the trace in <trace>.hmmnotes.json',
    value: existing?.body ?? '',
    validateInput: (v) => (v.trim() ? undefined : 'write something, or press Escape'),
  });
  if (!body) return;
  let expectedFor: Finding[] = [];
  if (findings.length > 0) {
    const picks = await vscode.window.showQuickPick(
      findings.map((f) => ({ label: f.title, description: f.rule, picked: st.expected.has(f.key), f })),
      { canPickMany: true, title: 'Mark findings on this line as expected (suppressed, listed separately)?', placeHolder: 'Select none to keep them as problems' },
    );
    expectedFor = picks?.map((p) => p.f) ?? [];
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === st.uri.toString());
  const text = doc && line <= doc.lineCount ? doc.lineAt(line - 1).text : undefined;
  const [ev] = await st.analysis.queries.eventsAtLine(line);
  const anchor = { line, ts: ev?.ts, fingerprint: text !== undefined ? fingerprintLine(text) : undefined };
  if (expectedFor.length === 0) {
    await ctx.notes.upsert(st.uri, { ...anchor, id: existing?.id, body, resolved: existing?.resolved });
  }
  for (const f of expectedFor) {
    const prev = st.notes.find((n) => n.findingKey === f.key);
    await ctx.notes.upsert(st.uri, { ...anchor, id: prev?.id, body, findingKey: f.key, expected: true });
  }
  void vscode.window.setStatusBarMessage(`HMM Trace: note saved to ${st.uri.fsPath.split(/[\\/]/).pop()}.hmmnotes.json`, 4000);
}

async function setExpected(ctx: CommandContext, st: TraceState, f: Finding, expected: boolean, body?: string): Promise<void> {
  const prev = st.notes.filter((n) => n.findingKey === f.key);
  if (prev.length === 0 && expected) {
    const line = f.lines[0] ?? 1;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === st.uri.toString());
    const fingerprint = doc && line <= doc.lineCount ? fingerprintLine(doc.lineAt(line - 1).text) : undefined;
    await ctx.notes.upsert(st.uri, { line, ts: f.fromTs, fingerprint, findingKey: f.key, body: body ?? 'Expected behaviour', expected: true });
    return;
  }
  for (const n of prev) {
    await ctx.notes.upsert(st.uri, { ...n, expected, body: expected && body ? body : n.body });
  }
}
