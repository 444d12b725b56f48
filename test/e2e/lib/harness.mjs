// hmm-trace's real-VS-Code test harness: code-server 4.100.3 (VS Code 1.100.3 server + web workbench, Node
// extension host) driven in Debian's headless chromium by playwright-core. Set up with `bash test/e2e/setup.sh`.
//
// API (other UI tests rely on it; keep it stable):
//
//   withWorkbench(opts, fn) -> whatever fn returns
//     opts = {
//       mode: 'dev' | 'vsix',   dev: the repo is loaded unpackaged (URL payload extensionDevelopmentPath);
//                               vsix: `code-server --install-extension hmm-trace-<version>.vsix` (npm run package)
//       workspace: absDir,      the folder the workbench opens (used in place; see tempWorkspace() for a copy)
//       theme?: 'Default Dark Modern' | 'Default Light Modern' | any installed theme label  (default: light)
//       settings?: object,      extra user settings (merged over the harness defaults)
//       files?: string[],       workspace-relative files to open (Quick Open) once the workbench is ready
//       viewport?: {width, height}  (default 1280x800)
//     }
//     Starts code-server on 127.0.0.1 (port 0) with throw-away user-data/extensions dirs, opens chromium on the
//     workbench, waits until it is ready, calls fn(ctx), and always tears everything down. On failure it saves
//     test/e2e/screenshots/<label>-failure.png and prints the tail of the code-server log.
//     ctx = {
//       page,                           playwright Page of the workbench
//       workspace, mode, server,        server = { url, port, remote(path) }
//       openFile(rel),                  Quick Open (Ctrl+P) + Enter; resolves when its tab is active
//       runCommand(title),              command palette (F1) by the exact title, e.g. 'HMM Trace: Open Analysis'
//       webviewFrame(titleOrIndex?),    FrameLocator of the extension's HTML inside a VISIBLE webview: no argument =
//                                       the active editor's/first visible one, a number = nth visible, a string or
//                                       RegExp = the one whose editor tab / panel title matches
//       screenshot(name),               parks the mouse, saves test/e2e/screenshots/<name>.png, returns its path
//       waitForNotification(textRegex, timeoutMs?)  resolves with the text of a matching notification (toast or
//                                       Notifications Center)
//     }
//
//   runExtensionTests(opts) -> { passed, failed, pending, output, exitCode }
//     opts = { workspace?: absDir (default examples/), testsPath?: abs path of the compiled mocha loader (default
//              dist/test/integration/index.js), grep?: string, timeoutMs?: number, env?: object }
//     Runs the mocha suites inside the real extension host (URL payload extensionTestsPath) and reports what
//     they did. The loader writes its counts to $HMM_TRACE_IT_RESULT; the host's exit code comes back through
//     window.codeAutomationExit and its console through window.codeAutomationLog.
//
//   tempWorkspace(files?) -> absDir     a fresh temp folder with copies of repo files ({destName: repoRelPath}
//                                       or an array of repo-relative paths), for tests that write into the workspace;
//                                       removed when the process exits
//   REPO_ROOT, SCREENSHOTS, log
/* global setTimeout, clearTimeout, document */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import {
  E2E_DIR, REPO_ROOT, assertHarnessInstalled, builtVsix, installVsix, launchBrowser, log, makeSandbox, startServer,
  workbenchUrl,
} from './server.mjs';
import { makeWorkbenchContext, registerSelectors, waitForWorkbench } from './workbench.mjs';

export { REPO_ROOT, log };
export const SCREENSHOTS = path.join(E2E_DIR, 'screenshots');

const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' };
/** The workbench's theme-kind class for VS Code's built-in themes: proof the requested theme is in effect. */
const THEME_KIND = {
  'Default Light Modern': 'vs', 'Default Light+': 'vs', 'Visual Studio Light': 'vs',
  'Default Dark Modern': 'vs-dark', 'Default Dark+': 'vs-dark', 'Visual Studio Dark': 'vs-dark',
  'Default High Contrast': 'hc-black', 'Default High Contrast Light': 'hc-light',
};

export async function withWorkbench(opts, fn) {
  const { mode, workspace } = opts;
  if (mode !== 'dev' && mode !== 'vsix') throw new Error(`withWorkbench: mode must be 'dev' or 'vsix', got ${mode}`);
  if (!workspace || !path.isAbsolute(workspace) || !fs.statSync(workspace).isDirectory()) {
    throw new Error(`withWorkbench: workspace must be an absolute directory, got ${workspace}`);
  }
  assertHarnessInstalled();
  const theme = THEMES[opts.theme] ?? opts.theme ?? THEMES.light;
  const label = `${mode}-${theme.replace(/\W+/g, '-').toLowerCase()}`;
  const sandbox = makeSandbox({ 'workbench.colorTheme': theme, ...(opts.settings ?? {}) });
  let server;
  let browser;
  let page;
  try {
    if (mode === 'vsix') log(installVsix(sandbox, builtVsix()));
    server = await startServer(sandbox, { workspace });
    log(`code-server ${server.url} (${mode}, ${theme})`);
    await registerSelectors();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
    page.on('pageerror', (e) => log('[pageerror]', e.message));
    const payload = mode === 'dev' ? [['extensionDevelopmentPath', server.remote(sandbox.devExtension)]] : undefined;
    await page.goto(workbenchUrl(server, workspace, payload));
    await waitForWorkbench(page, mode);
    if (THEME_KIND[theme]) {
      await page.waitForFunction((kind) => document.querySelector('.monaco-workbench')?.classList.contains(kind),
        THEME_KIND[theme], { timeout: 15000 }).catch(() => { throw new Error(`theme "${theme}" was not applied`); });
    }
    log('workbench ready');
    const ctx = makeWorkbenchContext({ page, workspace, mode, server, screenshots: SCREENSHOTS });
    for (const f of opts.files ?? []) await ctx.openFile(f);
    return await fn(ctx);
  } catch (e) {
    if (page) {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const shot = path.join(SCREENSHOTS, `${label}-failure.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      log(`failure screenshot: ${path.relative(process.cwd(), shot)}`);
    }
    if (server) console.error('--- code-server log (tail) ---\n' + server.log().slice(-3000));
    throw e;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    sandbox.dispose();
  }
}

/** Extension-host log lines that are workbench noise, not test output. */
const NOISE = /^(Resolv|Creating a socket|Ignoring fetching|Updating additional|\[Service Worker\]|ChatSessionStore|%c)/;

export async function runExtensionTests(opts = {}) {
  assertHarnessInstalled();
  const workspace = opts.workspace ?? path.join(REPO_ROOT, 'examples');
  const testsPath = opts.testsPath ?? path.join(REPO_ROOT, 'dist', 'test', 'integration', 'index.js');
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} not found: run  npm run build  first`);
  const timeoutMs = opts.timeoutMs ?? 300000;
  const sandbox = makeSandbox();
  const resultFile = path.join(sandbox.tmp, 'it-result.json');
  const lines = [];
  let server;
  let browser;
  try {
    // The extension host inherits code-server's environment: that is how the loader learns where to write.
    server = await startServer(sandbox, {
      workspace,
      env: { HMM_TRACE_IT_RESULT: resultFile, ...(opts.grep ? { HMM_TRACE_IT_GREP: opts.grep } : {}), ...(opts.env ?? {}) },
    });
    browser = await launchBrowser();
    const page = await browser.newPage();
    // Both callbacks must exist before the workbench loads: it looks them up once, at start.
    let exited;
    const exit = new Promise((resolve) => { exited = resolve; });
    await page.exposeFunction('codeAutomationExit', (code) => exited(code));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(args ?? []));
      if (NOISE.test(line)) return;
      lines.push(line);
      console.log(line);
    });
    await page.goto(workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', server.remote(sandbox.devExtension)],
      ['extensionTestsPath', server.remote(testsPath)],
    ]));
    let timer;
    const exitCode = await Promise.race([exit, new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); })]);
    clearTimeout(timer);
    log(`extension host exit code: ${exitCode}`);
    const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : undefined;
    if (exitCode !== 0) console.error('--- code-server log (tail) ---\n' + server.log().slice(-3000));
    // No result file means the loader never got to run mocha (build missing, crash while loading): a failure.
    const failed = result ? result.failed + (exitCode === 0 || result.failed > 0 ? 0 : 1) : 1;
    return { passed: result?.passed ?? 0, failed, pending: result?.pending ?? 0, output: lines.join('\n'), exitCode };
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    sandbox.dispose();
  }
}

const tempWorkspaces = [];
process.on('exit', () => {
  for (const d of tempWorkspaces) fs.rmSync(d, { recursive: true, force: true });
});

/** Removed when the process exits. */
export function tempWorkspace(files = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hmm-trace-ws-'));
  tempWorkspaces.push(dir);
  const entries = Array.isArray(files) ? files.map((f) => [path.basename(f), f]) : Object.entries(files);
  for (const [dest, src] of entries) {
    fs.mkdirSync(path.dirname(path.join(dir, dest)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, src), path.join(dir, dest));
  }
  return dir;
}
