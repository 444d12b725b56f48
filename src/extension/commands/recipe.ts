/** "HMM Trace: Create Capture Recipe…" — owned by the capture-recipe work (issue 9). */

import type * as vscode from 'vscode';

export function registerRecipeCommand(_context: vscode.ExtensionContext): vscode.Disposable[] {
  return [];
}
