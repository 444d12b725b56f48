// `npm test`: everything, for real, in one command (what .ci/run and the README run):
//   build -> unit (node --test) -> harness set-up -> integration (mocha inside the VS Code extension host)
//   -> package (.vsix) -> UI (real VS Code in headless chromium, dev and vsix modes).
// Later steps still run when an earlier test step failed, so one run shows every failure; a failed build or
// set-up stops the run (nothing after it could mean anything). Prints a summary with the time of each step;
// exit code 1 if anything failed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const steps = [
  { name: 'build', cmd: ['node', 'esbuild.mjs'], fatal: true },
  { name: 'unit', cmd: [npm, 'run', '--silent', 'test:unit'] },
  { name: 'e2e set-up', cmd: ['bash', 'test/e2e/setup.sh'], fatal: true },
  { name: 'integration', cmd: ['node', 'test/e2e/run-integration.mjs'] },
  { name: 'package', cmd: [npm, 'run', '--silent', 'package'] },
  { name: 'UI', cmd: ['node', 'test/e2e/run-ui.mjs'] },
];

const results = [];
for (const step of steps) {
  console.log(`\n===== ${step.name}: ${step.cmd.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  results.push({ name: step.name, ok, seconds: (Date.now() - t0) / 1000, status: r.status ?? r.signal });
  if (!ok && step.fatal) break;
}

console.log('\n===== npm test summary');
for (const r of results) console.log(`  ${r.ok ? 'ok    ' : 'FAILED'}  ${r.name.padEnd(12)} ${r.seconds.toFixed(1).padStart(6)} s${r.ok ? '' : `  (exit ${r.status})`}`);
for (const s of steps.slice(results.length)) console.log(`  skipped ${s.name}`);
const failed = results.filter((r) => !r.ok).length;
const skipped = steps.length - results.length;
console.log(failed ? `npm test: FAILED (${failed} step(s) failed${skipped ? `, ${skipped} skipped` : ''})` : 'npm test: all steps passed');
process.exit(failed ? 1 : 0);
