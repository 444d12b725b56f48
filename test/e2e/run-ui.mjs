// Runs the UI tests: every test/e2e/ui/*.ui.mjs exports `tests = [{ name, timeoutMs?, run: async (lib) => {} }]`
// where lib is the harness (lib/harness.mjs). Tests run one after another (each starts its own code-server and
// chromium). Prints one line per test and a closing plain "N passed, N failed" line; exit code 1 if any failed.
//   node test/e2e/run-ui.mjs [--grep text] [file.ui.mjs ...]
/* global setTimeout, clearTimeout */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as lib from './lib/harness.mjs';

const argv = process.argv.slice(2);
const grepAt = argv.indexOf('--grep');
const grep = grepAt >= 0 ? argv[grepAt + 1] : undefined;
const only = argv.filter((a, i) => a.endsWith('.ui.mjs') && (grepAt < 0 || i !== grepAt + 1)).map((a) => path.resolve(a));

const uiDir = path.join(path.dirname(new URL(import.meta.url).pathname), 'ui');
const files = only.length ? only : fs.readdirSync(uiDir).filter((f) => f.endsWith('.ui.mjs')).sort().map((f) => path.join(uiDir, f));

const cases = [];
for (const file of files) {
  const mod = await import(pathToFileURL(file).href);
  if (!Array.isArray(mod.tests)) throw new Error(`${path.relative(process.cwd(), file)}: must export const tests = [...]`);
  for (const t of mod.tests) {
    if (!grep || t.name.includes(grep)) cases.push({ ...t, file: path.basename(file) });
  }
}

let passed = 0;
let failed = 0;
const failures = [];
const started = Date.now();
for (const t of cases) {
  const t0 = Date.now();
  const timeoutMs = t.timeoutMs ?? 120000;
  let timer;
  try {
    lib.log(`▶ ${t.file}: ${t.name}`);
    await Promise.race([
      t.run(lib),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs); }),
    ]);
    passed++;
    console.log(`  ✔ ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    failures.push({ name: t.name, error: e });
    console.log(`  ✖ ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n    ${String(e?.stack ?? e).split('\n').join('\n    ')}`);
  } finally {
    clearTimeout(timer);
  }
}

console.log(`\nUI tests (real VS Code 1.100 in headless chromium), ${((Date.now() - started) / 1000).toFixed(1)} s:`);
for (const f of failures) console.log(`  failed: ${f.name}: ${String(f.error?.message ?? f.error).split('\n')[0]}`);
if (cases.length === 0) console.log('  no UI tests matched');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || cases.length === 0 ? 1 : 0);
