/** Export Report: Markdown, SARIF 2.1.0 or JSON of the analysis (written by the core, in the worker), with the user's notes. */

import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import type { ReportFormat } from '../worker/messages';
import { stateOf, traceOf, type CommandContext } from './context';

const FORMATS: { label: string; format: ReportFormat; ext: string; detail: string }[] = [
  { label: 'Markdown', format: 'markdown', ext: 'md', detail: 'A readable report for a bug or a mailing-list reply' },
  { label: 'SARIF 2.1.0', format: 'sarif', ext: 'sarif', detail: 'For code-scanning UIs and CI (expected findings are suppressions)' },
  { label: 'JSON', format: 'json', ext: 'json', detail: 'The full analysis summary and findings, for scripts' },
];

export function registerExportCommand(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('hmmTrace.exportReport', async (uriArg?: unknown, formatArg?: ReportFormat, targetArg?: unknown) => {
    const st = await stateOf(ctx, traceOf(ctx, uriArg));
    if (!st) return;
    const choice = FORMATS.find((f) => f.format === formatArg) ?? (await vscode.window.showQuickPick(FORMATS, { title: 'HMM Trace: Export Report', placeHolder: 'Format' }));
    if (!choice) return;
    const target =
      targetArg instanceof vscode.Uri ? targetArg
      : typeof targetArg === 'string' ? vscode.Uri.file(targetArg)
      : await vscode.window.showSaveDialog({
          defaultUri: st.uri.with({ path: `${st.uri.path}.hmm-report.${choice.ext}` }),
          filters: { [choice.label]: [choice.ext] },
          title: 'Export HMM Trace report',
        });
    if (!target) return;
    try {
      const text = await st.analysis.report(choice.format, st.notes);
      await writeFile(target.fsPath, text, 'utf8');
    } catch (e) {
      void vscode.window.showErrorMessage(`HMM Trace: report not written: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (targetArg === undefined) {
      const open = await vscode.window.showInformationMessage(`HMM Trace: report written to ${target.fsPath}`, 'Open');
      if (open) await vscode.window.showTextDocument(target);
    }
    return target;
  });
}
