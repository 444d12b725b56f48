// Runs the integration suites (dist/test/integration/**/*.test.js, loaded by dist/test/integration/index.js)
// inside the real VS Code extension host and prints a closing plain "N passed, N failed" line.
//   node test/e2e/run-integration.mjs [--grep text]      (build first: npm run build)
import { log, runExtensionTests } from './lib/harness.mjs';

const argv = process.argv.slice(2);
const grep = argv.includes('--grep') ? argv[argv.indexOf('--grep') + 1] : undefined;
const started = Date.now();
let result;
try {
  result = await runExtensionTests({ grep });
} catch (e) {
  console.error(`integration run could not start: ${e?.message ?? e}`);
  result = { passed: 0, failed: 1, pending: 0 };
}
log('done');
console.log(`\nIntegration tests (mocha inside the VS Code 1.100 extension host), ${((Date.now() - started) / 1000).toFixed(1)} s:`);
if (result.pending) console.log(`(${result.pending} pending)`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed > 0 || result.passed === 0 ? 1 : 0);
