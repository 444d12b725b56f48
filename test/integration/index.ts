/**
 * The mocha loader that VS Code's extension host require()s through the `extensionTestsPath` URL payload
 * (see test/e2e/lib/harness.mjs runExtensionTests). It runs INSIDE the real extension host, so the suites it
 * loads can use the whole `vscode` API against the real, activated extension.
 *
 * It discovers every compiled suite under its own folder (`dist/test/integration/**\/*.test.js`, one esbuild
 * bundle per `test/integration/**\/*.test.ts`), runs them with the BDD interface (describe/it), prints mocha's
 * spec report to the host console (forwarded to the harness through window.codeAutomationLog), writes the
 * counts to $HMM_TRACE_IT_RESULT for the harness, and rejects when a test failed: VS Code turns a rejected
 * run() into a non-zero exit code (window.codeAutomationExit).
 *
 * $HMM_TRACE_IT_GREP (optional) runs only the tests whose full title contains it.
 */

import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Mocha from 'mocha';

/** Every *.test.js below dir, sorted so the run order is the same on every machine. */
export function findSuites(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findSuites(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

interface FailureReport {
  title: string;
  error: string;
}

export function run(): Promise<void> {
  const grep = process.env.HMM_TRACE_IT_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 30000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  const suites = findSuites(__dirname);
  for (const file of suites) mocha.addFile(file);
  console.log(`hmm-trace integration: ${suites.length} suite file(s): ${suites.map((f) => relative(__dirname, f)).join(', ')}`);

  return new Promise((resolve, reject) => {
    const failures: FailureReport[] = [];
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failed) => {
        const stats = runner.stats;
        const result = {
          passed: stats?.passes ?? 0,
          failed,
          pending: stats?.pending ?? 0,
          suites: suites.length,
          failures,
        };
        const out = process.env.HMM_TRACE_IT_RESULT;
        if (out) writeFileSync(out, JSON.stringify(result, null, 2));
        if (failed > 0) reject(new Error(`${failed} integration test(s) failed`));
        else if (result.passed === 0) reject(new Error('no integration tests ran'));
        else resolve();
      });
    } catch (e) {
      // a suite that throws while loading (bad import, syntax) never reaches the callback above
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    runner.on('fail', (test: Mocha.Test, err: Error) => {
      failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) });
    });
  });
}
