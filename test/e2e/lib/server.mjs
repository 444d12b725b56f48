// Low-level pieces of the harness: throw-away sandboxes, the code-server process, Debian's chromium.
// The public API is in harness.mjs; this file is what it is built from (demo.mjs uses it directly).
//
// code-server 4.100.3 = the real VS Code 1.100.3 server + web workbench, with the Node extension host.
// Everything it writes goes into a per-run temp folder: --user-data-dir, --extensions-dir, --config
// (otherwise ~/.config/code-server/config.yaml) and XDG_DATA_HOME (otherwise ~/.local/share/code-server).
/* global setTimeout, clearTimeout */
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const CODE_SERVER = process.env.CODE_SERVER ?? path.join(E2E_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const t0 = Date.now();

// Every code-server we started, by process-group id: killed on exit even when a test hung or threw, so no
// server outlives the run (they are detached to own their extension-host children).
// Likewise every sandbox folder not yet disposed (a run stopped by SIGINT/SIGTERM never reaches `finally`).
const live = new Set();
const sandboxes = new Set();
process.on('exit', () => {
  for (const pgid of live) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of sandboxes) fs.rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
/** Log with seconds since the process started, so slow steps stand out in CI output. */
export const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

/** Fails with the command that fixes it when the harness was never set up (never skips silently). */
export function assertHarnessInstalled() {
  if (!fs.existsSync(CODE_SERVER)) {
    throw new Error(`code-server not found at ${CODE_SERVER}: run  bash test/e2e/setup.sh  (installs the Debian packages and the harness)`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: run as root  apt-get install -y --no-install-recommends chromium  (or bash test/e2e/setup.sh)`);
  }
}

/** User settings of every sandbox: no welcome page, no tips, no trust prompt, nothing phoning home. */
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': true,
  'git.openRepositoryInParentFolders': 'never', // the repo holds examples/: no "open the repository?" toast
};

/**
 * A fresh temp folder with user-data, extensions and config for one code-server run.
 * settings are merged over BASE_SETTINGS into <user-data>/User/settings.json.
 */
export function makeSandbox(settings = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hmm-trace-e2e-'));
  const s = {
    tmp,
    userData: path.join(tmp, 'user-data'),
    extDir: path.join(tmp, 'extensions'),
    config: path.join(tmp, 'config.yaml'),
    env: { XDG_DATA_HOME: path.join(tmp, 'xdg-data'), XDG_CONFIG_HOME: path.join(tmp, 'xdg-config') },
  };
  for (const d of [path.join(s.userData, 'User'), s.extDir]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(s.userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  fs.writeFileSync(s.config, 'auth: none\ncert: false\n');
  s.base = ['--config', s.config, '--user-data-dir', s.userData, '--extensions-dir', s.extDir];
  // The dev extension is loaded through a symlink: VS Code gives the themes located under
  // extensionDevelopmentPath precedence over workbench.colorTheme, and the repository contains code-server's
  // built-in themes (test/e2e/node_modules/...), so with the repo path itself every theme became Light+.
  s.devExtension = path.join(tmp, 'hmm-trace');
  fs.symlinkSync(REPO_ROOT, s.devExtension, 'dir');
  sandboxes.add(tmp);
  s.dispose = () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    sandboxes.delete(tmp);
  };
  return s;
}

/** The packaged extension matching package.json's version; a clear error when it was never built. */
export function builtVsix() {
  const pj = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(REPO_ROOT, `${pj.name}-${pj.version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${path.relative(process.cwd(), vsix)} not found: run  npm run package  first`);
  return vsix;
}

/** `code-server --install-extension x.vsix` into the sandbox's extensions dir (the way users install it). */
export function installVsix(s, vsix) {
  const out = execFileSync(CODE_SERVER, [...s.base, '--install-extension', path.resolve(vsix)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...s.env } });
  if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed:\n${out}`);
  return out.trim();
}

/**
 * Starts code-server on 127.0.0.1 with an OS-chosen port (0) unless one is given, serving `workspace`.
 * Resolves once it prints its listening address.
 */
export async function startServer(s, { workspace, port = 0, env = {} } = {}) {
  const args = [...s.base, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'];
  if (workspace) args.push(workspace);
  const proc = spawn(CODE_SERVER, args, {
    detached: true, // own process group: stop() kills code-server and its extension hosts together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      EXTENSIONS_GALLERY: '{}', // no marketplace: there is no internet, and tests must not depend on it
      // Newer code-server only honours extensionDevelopmentPath/extensionTestsPath from the URL payload with
      // the smoke-test driver on; 4.100.3 ignores this variable and honours the payload anyway.
      VSCODE_OPTIONS: 'enable-smoke-test-driver',
      ...s.env,
      ...env,
    },
  });
  live.add(proc.pid);
  proc.on('exit', () => live.delete(proc.pid));
  let out = ''; // the server's log, kept to its last 64 kB (a demo server runs for hours)
  const keep = (d) => { out = (out + d).slice(-65536); };
  proc.stderr.on('data', keep);
  const boundPort = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 30 s\n${out}`)), 30000);
    proc.stdout.on('data', (d) => {
      keep(d);
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (c) => { clearTimeout(timer); reject(new Error(`code-server exited with ${c}\n${out}`)); });
  });
  return {
    port: boundPort,
    url: `http://127.0.0.1:${boundPort}`,
    log: () => out,
    /** vscode-remote URI for a server-side path: what the web workbench's URL payload expects. */
    remote: (p) => `vscode-remote://127.0.0.1:${boundPort}${path.resolve(p)}`,
    async stop() {
      if (proc.exitCode !== null) return;
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ }
      const exited = once(proc, 'exit');
      const timeout = new Promise((r) => setTimeout(() => r('timeout'), 5000));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    },
  };
}

/** Workbench URL opening `workspace`; payload e.g. [['extensionDevelopmentPath', remoteUri]]. */
export function workbenchUrl(srv, workspace, payload) {
  let url = `${srv.url}/?folder=${encodeURIComponent(workspace)}`;
  if (payload && payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Debian's chromium, headless; launch() gives a fresh temporary profile every time. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
