/**
 * "HMM Trace: Create Capture Recipe…": asks for the kernel (prefilled with this machine's `uname -r` when the
 * workspace is local), the driver and the recording tool, and opens the capture script in an untitled
 * shellscript editor. Other commands and the webview's missing-evidence notes call it with
 * `{ kernel?, driver?, tool?, btf?, include? }` to skip the questions they can answer and to add the probes a
 * rule was missing. All recipe logic is in src/core/recipe; this file only asks and shows.
 */

import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { platform, release } from 'node:os';
import {
  DRIVERS,
  DRIVER_TITLES,
  RecipeError,
  TOOLS,
  TOOL_TITLES,
  atLeastKernel,
  kernelChoices,
  makeTarget,
  parseKernelVersion,
  recipeText,
  sanitizeRecipeRequest,
} from '../../core/recipe';
import type { RecipeDriver, RecipeTool } from '../../core/recipe';

export const CREATE_RECIPE_COMMAND = 'hmmTrace.createRecipe';

/** This machine's kernel, only when the workspace is local and Linux: a remote or WSL window runs elsewhere. */
function localKernel(): string | undefined {
  return vscode.env.remoteName === undefined && platform() === 'linux' ? release() : undefined;
}

async function pickKernel(): Promise<string | undefined> {
  const local = localKernel();
  const other: vscode.QuickPickItem = { label: '$(edit) Other version…', description: 'type a release, e.g. 6.8.0-45-generic' };
  const items: vscode.QuickPickItem[] = [...kernelChoices(local).map((c) => ({ label: c.version, description: c.description })), other];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Capture recipe (1/3): kernel of the machine that records',
    placeHolder: local ? `this machine runs ${local}` : 'the kernel version decides struct offsets and function names',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked !== other) return picked.label;
  return vscode.window.showInputBox({
    title: 'Capture recipe: kernel release',
    prompt: 'as `uname -r` prints it on the machine that records',
    value: local ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        parseKernelVersion(v);
        return undefined;
      } catch (e) {
        return e instanceof RecipeError ? e.message : String(e);
      }
    },
  });
}

async function pickDriver(): Promise<RecipeDriver | undefined> {
  const picked = await vscode.window.showQuickPick(
    DRIVERS.map((d) => ({ label: d, detail: DRIVER_TITLES[d], driver: d })),
    { title: 'Capture recipe (2/3): driver', placeHolder: 'whose shared virtual memory are you debugging?', ignoreFocusOut: true },
  );
  return picked?.driver;
}

async function pickTool(): Promise<RecipeTool | undefined> {
  const picked = await vscode.window.showQuickPick(
    TOOLS.map((t) => ({ label: t, detail: TOOL_TITLES[t], tool: t })),
    { title: 'Capture recipe (3/3): recording tool', placeHolder: 'all three produce text hmm-trace opens', ignoreFocusOut: true },
  );
  return picked?.tool;
}

/** BTF names only matter where the kernel supports member access in probe events. */
async function pickBtf(kernel: string): Promise<boolean | undefined> {
  if (!atLeastKernel(parseKernelVersion(kernel), 6, 7)) return false;
  const here = kernel === localKernel() && existsSync('/sys/kernel/btf/vmlinux');
  const yes = { label: 'Use BTF member names', description: here ? '/sys/kernel/btf/vmlinux exists here' : 'needs CONFIG_DEBUG_INFO_BTF', btf: true };
  const no = { label: 'Use raw x86_64 offsets', description: 'the form the 6.1 and 6.12 test kernels accepted', btf: false };
  const picked = await vscode.window.showQuickPick(here ? [yes, no] : [no, yes], { title: 'Capture recipe: probe field access', ignoreFocusOut: true });
  return picked?.btf;
}

export async function createRecipe(arg?: unknown): Promise<vscode.TextDocument | undefined> {
  const req = sanitizeRecipeRequest(arg);
  const kernel = req.kernel ?? (await pickKernel());
  if (!kernel) return undefined;
  const driver = req.driver ?? (await pickDriver());
  if (!driver) return undefined;
  const tool = req.tool ?? (await pickTool());
  if (!tool) return undefined;
  const btf = req.btf ?? (await pickBtf(kernel));
  if (btf === undefined) return undefined;
  let content: string;
  try {
    content = recipeText(makeTarget({ kernel, driver, tool, btf, include: req.include }), 'HMM Trace: Create Capture Recipe');
  } catch (e) {
    void vscode.window.showErrorMessage(`HMM Trace: cannot write a recipe: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'shellscript', content });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

export function registerRecipeCommand(_context: vscode.ExtensionContext): vscode.Disposable[] {
  return [vscode.commands.registerCommand(CREATE_RECIPE_COMMAND, (arg?: unknown) => createRecipe(arg))];
}
