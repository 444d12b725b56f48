/** Navigation commands: reveal line, page timeline, next/previous finding, go to event, reveal finding. */

import * as vscode from 'vscode';
import type { AddressSpace } from '../../core/model/types';
import { formatTs } from '../../core/ingest/types';
import { nextFindingLine } from '../pure/findingsTree';
import { parseGoTo } from '../pure/goToEvent';
import { toUri } from '../navigation';
import { stateOf, traceOf, type CommandContext } from './context';

export function registerNavigationCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('hmmTrace.revealLine', async (uriArg?: unknown, lineArg?: unknown) => {
      const uri = traceOf(ctx, uriArg);
      if (!uri) return;
      let line = typeof lineArg === 'number' ? lineArg : undefined;
      if (line === undefined) {
        const input = await vscode.window.showInputBox({ prompt: 'Line of the trace to reveal', validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 ? undefined : 'a line number, from 1') });
        if (!input) return;
        line = Number(input);
      }
      await ctx.navigation.revealLine(uri, line);
    }),
    vscode.commands.registerCommand('hmmTrace.showPageTimeline', async (uriArg?: unknown, as?: AddressSpace, vpns?: number[], range?: { start: number; end: number }) => {
      const uri = toUri(uriArg);
      if (!uri || as === undefined || !Array.isArray(vpns)) {
        await vscode.commands.executeCommand('hmmTrace.showPageTimelineAtCursor');
        return;
      }
      await ctx.navigation.showPageTimeline(uri, as, await pagesWorthShowing(ctx, uri, as, vpns, range));
    }),
    vscode.commands.registerCommand('hmmTrace.nextFinding', () => moveToFinding(ctx, 1)),
    vscode.commands.registerCommand('hmmTrace.previousFinding', () => moveToFinding(ctx, -1)),
    vscode.commands.registerCommand('hmmTrace.goToEvent', (uriArg?: unknown) => goToEvent(ctx, uriArg)),
    vscode.commands.registerCommand('hmmTrace.revealFinding', async (uriArg?: unknown, keys?: string | string[]) => {
      const st = await stateOf(ctx, traceOf(ctx, uriArg));
      if (!st) return;
      const wanted = new Set(Array.isArray(keys) ? keys : keys ? [keys] : []);
      let findings = st.analysis.data.findings.filter((f) => wanted.has(f.key));
      if (findings.length > 1) {
        const pick = await vscode.window.showQuickPick(
          findings.map((f) => ({ label: f.title, description: f.rule, detail: f.message, f })),
          { placeHolder: 'Findings on this line' },
        );
        if (!pick) return;
        findings = [pick.f];
      }
      const f = findings[0];
      if (!f) return;
      if (f.lines.length > 0) await ctx.navigation.revealLine(st.uri, f.lines[0]);
      const node = ctx.findingsTree.nodeOf(f.key);
      if (node) await ctx.findingsView.reveal(node, { select: true, focus: false, expand: true });
    }),
    vscode.commands.registerCommand('hmmTrace.reanalyze', async (uriArg?: unknown) => {
      const uri = traceOf(ctx, uriArg);
      if (!uri) return;
      ctx.analysis.forget(uri);
      await ctx.documents.analyse(uri);
    }),
    vscode.commands.registerCommand('hmmTrace.pages.loadMore', (as: AddressSpace) => ctx.pagesTree.loadMore(as)),
  ];
}

/** At most this many pages go to the timeline at once (rows of the panel). */
const TIMELINE_PAGES = 64;

/**
 * A range event (a 2 MiB CLEAR names 512 pages) opens the timeline on the pages of that range the trace
 * says something about, not on the first 64 empty ones.
 */
async function pagesWorthShowing(ctx: CommandContext, uri: vscode.Uri, as: AddressSpace, vpns: number[], range?: { start: number; end: number }): Promise<number[]> {
  const clean = vpns.filter((v) => Number.isSafeInteger(v) && v >= 0);
  const st = ctx.states.get(uri);
  const hasRange = range && Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.end > range.start;
  if (!st || (clean.length <= 1 && !hasRange)) return clean.slice(0, TIMELINE_PAGES);
  const start = hasRange ? range.start : Math.min(...clean) * 4096;
  const end = hasRange ? range.end : (Math.max(...clean) + 1) * 4096;
  try {
    const known = await st.analysis.queries.pages({ as, start, end, offset: 0, limit: TIMELINE_PAGES });
    const withEvents = known.pages.filter((p) => p.events > 0).map((p) => p.vpn);
    return withEvents.length > 0 ? withEvents : clean.slice(0, TIMELINE_PAGES);
  } catch {
    return clean.slice(0, TIMELINE_PAGES);
  }
}

async function moveToFinding(ctx: CommandContext, direction: 1 | -1): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const uri = editor?.document.languageId === 'ftrace' ? editor.document.uri : ctx.states.activeTrace;
  const st = await stateOf(ctx, uri);
  if (!st) return;
  const from = editor && editor.document.uri.toString() === st.uri.toString() ? editor.selection.active.line + 1 : direction === 1 ? 0 : Number.MAX_SAFE_INTEGER;
  const line = nextFindingLine(st.analysis.data.findings, st.expected, from, direction);
  if (line === undefined) {
    void vscode.window.setStatusBarMessage('HMM Trace: no findings in this trace', 4000);
    return;
  }
  await ctx.navigation.revealLine(st.uri, line);
}

interface EventPick extends vscode.QuickPickItem {
  line?: number;
  ns?: number;
}

async function goToEvent(ctx: CommandContext, uriArg?: unknown): Promise<void> {
  const st = await stateOf(ctx, traceOf(ctx, uriArg));
  if (!st) return;
  const qp = vscode.window.createQuickPick<EventPick>();
  qp.title = 'HMM Trace: Go to Event';
  qp.placeholder = 'Line (1234) or time in seconds (5.088346), or pick a marker or finding';
  qp.matchOnDescription = true;
  const fixed: EventPick[] = [
    { label: 'Markers', kind: vscode.QuickPickItemKind.Separator },
    ...st.analysis.data.markers.slice(0, 500).map((m) => ({ label: `$(bookmark) ${m.text.trim()}`, description: `${formatTs(m.ts)} · line ${m.line}`, line: m.line })),
    { label: 'Findings', kind: vscode.QuickPickItemKind.Separator },
    ...st.analysis.data.findings.slice(0, 500).map((f) => ({ label: `$(warning) ${f.title}`, description: `${formatTs(f.fromTs)} · line ${f.lines[0] ?? '?'}`, line: f.lines[0] })),
  ];
  qp.items = fixed;
  qp.onDidChangeValue((v) => {
    const t = parseGoTo(v);
    const head: EventPick[] =
      t.kind === 'line' ? [{ label: `Go to line ${t.line}`, line: t.line, alwaysShow: true }]
      : t.kind === 'time' ? [{ label: `Go to the first event at or after ${formatTs(t.ns)} s`, ns: t.ns, alwaysShow: true }]
      : [];
    qp.items = [...head, ...fixed];
  });
  const picked = await new Promise<EventPick | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) return;
  let line = picked.line;
  if (picked.ns !== undefined) {
    const [ev] = await st.analysis.queries.eventsInWindow(picked.ns, Number.MAX_SAFE_INTEGER, 1);
    if (!ev) {
      void vscode.window.showInformationMessage(`HMM Trace: no event at or after ${formatTs(picked.ns)} s (the trace ends at ${formatTs(st.analysis.summary.lastTs)} s).`);
      return;
    }
    line = ev.line;
  }
  if (line !== undefined) await ctx.navigation.revealLine(st.uri, line);
}
