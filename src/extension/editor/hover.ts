/** Hovers on event lines: the event decoded in kernel terms (see pure/hoverText.ts), from the worker's model. */

import * as vscode from 'vscode';
import type { TraceStates } from './traceState';
import { hoverMarkdown, type HoverInput } from '../pure/hoverText';

export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

export class TraceHoverProvider implements vscode.HoverProvider {
  constructor(private readonly states: TraceStates) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const st = this.states.get(doc.uri);
    if (!st) return undefined;
    // the model maps every line of a multi-line event (stack frames, callchains) to that event
    const line = pos.line + 1;
    const q = st.analysis.queries;
    const [event] = await q.eventsAtLine(line);
    if (!event || token.isCancellationRequested) return undefined;
    const [span, pages] = await Promise.all([q.spanOf(event.id), q.pagesOfEvent(event.id)]);
    const input: HoverInput = {
      event,
      span,
      invalidation: st.index.invalidationAt.get(line),
      migration: st.index.migrationAt.get(line),
      driverOwners: st.driverOwners,
      findings: st.index.findingsAt.get(line) ?? [],
      notes: st.notes.filter((n) => n.line === line),
      annotateCommand: commandUri('hmmTrace.annotateInvalidation', [doc.uri.toString(), line]),
    };
    if (pages.vpns.length > 0) {
      const around = await q.stateAround(pages.as, pages.vpns[0], event.id);
      input.page = { addr: pages.vpns[0] * 4096, before: around.before, after: around.after, count: pages.vpns.length };
      const range = event.start !== undefined && event.end !== undefined && event.end > event.start ? { start: event.start, end: event.end } : undefined;
      input.timelineCommand = commandUri('hmmTrace.showPageTimeline', [doc.uri.toString(), pages.as, pages.vpns.slice(0, 64), ...(range ? [range] : [])]);
    }
    if (token.isCancellationRequested) return undefined;
    const md = new vscode.MarkdownString(hoverMarkdown(input));
    md.isTrusted = { enabledCommands: ['hmmTrace.showPageTimeline', 'hmmTrace.annotateInvalidation'] };
    md.supportHtml = false;
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }
}
