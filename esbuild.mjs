// One build script for everything: the extension host bundle, the analysis worker, the CLI, the webview,
// the tests and the benchmark. `node esbuild.mjs` builds once, `--watch` rebuilds on change,
// `--production` minifies the shipped bundles (tests are never minified).
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Every *.ts under dir (recursively) whose name matches the predicate. */
function collect(dir, accept) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p, accept));
    else if (accept(name)) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'es2022',
};

const nodeCommon = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const builds = [
  // extension host entry: vscode is provided by the host
  { ...nodeCommon, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // the analysis worker thread (ingest + model + detect off the extension host's event loop)
  { ...nodeCommon, entryPoints: ['src/extension/worker/analysisWorker.ts'], outfile: 'dist/worker.js' },
  // the second thread of the parallel model build of large ftrace text (src/core/model/parallel.ts)
  { ...nodeCommon, entryPoints: ['src/core/model/rangeWorker.ts'], outfile: 'dist/range-worker.js' },
  // the hmm-trace CLI
  {
    ...nodeCommon,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // webview (browser)
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    entryPoints: collect('webview', (n) => n.endsWith('.entry.ts')),
    outdir: 'dist/webview',
    entryNames: '[name]',
    loader: { '.ttf': 'file' },
  },
];

if (!production) {
  // tests and benchmarks: one bundle per file, same relative layout under dist/
  const unit = collect('test/unit', (n) => n.endsWith('.test.ts'));
  const integration = collect('test/integration', (n) => n.endsWith('.ts'));
  const bench = collect('test/bench', (n) => n.endsWith('.ts'));
  for (const [files, external] of [[unit, []], [integration, ['vscode', 'mocha']], [bench, []]]) {
    if (files.length === 0) continue;
    builds.push({ ...nodeCommon, entryPoints: files, outbase: '.', outdir: 'dist', external });
  }
}

function copyAssets() {
  // codicons are served from dist/webview so localResourceRoots stays {dist/webview, media}
  mkdirSync('dist/webview', { recursive: true });
  const codicons = 'node_modules/@vscode/codicons/dist';
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(join(codicons, f), join('dist/webview', f));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}

const started = Date.now();
if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context({ ...b, entryPoints: b.entryPoints.filter((e) => existsSync(e)) });
    await ctx.watch();
  }
  copyAssets();
  console.log('[esbuild] watching for changes');
} else {
  await Promise.all(
    builds
      .map((b) => ({ ...b, entryPoints: b.entryPoints.filter((e) => existsSync(e)) }))
      .filter((b) => b.entryPoints.length > 0)
      .map((b) => esbuild.build(b)),
  );
  copyAssets();
  console.log(`[esbuild] built ${builds.length} targets in ${Date.now() - started} ms -> ${relative('.', 'dist')}/`);
}
