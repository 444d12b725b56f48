/** Document symbols (outline, breadcrumbs, Go to Symbol) and folding ranges of a trace. */

import * as vscode from 'vscode';
import { buildOutline, type OutlineKind, type OutlineNode } from '../pure/outline';
import { foldingRegions } from '../pure/folding';
import type { TraceStates } from './traceState';

const KIND: Record<OutlineKind, vscode.SymbolKind> = {
  marker: vscode.SymbolKind.Namespace,
  migration: vscode.SymbolKind.Event,
  burst: vscode.SymbolKind.Array,
  invalidation: vscode.SymbolKind.Event,
  finding: vscode.SymbolKind.Key,
};

export class TraceSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly states: TraceStates) {}

  async provideDocumentSymbols(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.DocumentSymbol[]> {
    // the outline asks as soon as the document opens: wait for the analysis rather than answer empty
    const st = await this.states.whenReady(doc.uri, token);
    if (!st) return [];
    const last = doc.lineCount;
    const convert = (n: OutlineNode): vscode.DocumentSymbol => {
      const startLine = Math.min(n.line, last) - 1;
      const endLine = Math.max(startLine, Math.min(n.endLine, last) - 1);
      const range = new vscode.Range(startLine, 0, endLine, doc.lineAt(endLine).text.length);
      const sel = new vscode.Range(startLine, 0, startLine, doc.lineAt(startLine).text.length);
      const s = new vscode.DocumentSymbol(n.name || '(unnamed)', n.detail, KIND[n.kind], range, sel);
      s.children = n.children.map(convert);
      return s;
    };
    return buildOutline(st.analysis.data, last).filter((n) => n.line <= last).map(convert);
  }
}

export class TraceFoldingProvider implements vscode.FoldingRangeProvider {
  provideFoldingRanges(doc: vscode.TextDocument): vscode.FoldingRange[] {
    return foldingRegions((i) => doc.lineAt(i).text, doc.lineCount).map(
      (r) => new vscode.FoldingRange(r.start, r.end, r.kind === 'stack' ? vscode.FoldingRangeKind.Region : undefined),
    );
  }
}
