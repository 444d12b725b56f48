// UI: "HMM Trace: Create Capture Recipe…" through its quick picks (real VS Code, code-server), and the getting-started walkthrough.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';

async function rows(page) {
  const list = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await list.first().waitFor({ timeout: 15000 });
  return list.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
}
async function choose(page, label) {
  const row = page.locator(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label^=${JSON.stringify(label)}]`).first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  await page.waitForTimeout(300);
}

export const tests = [
  {
    name: 'recipe: quick picks (kernel with a validated Other version…, driver, tool, BTF) open the script in an untitled shellscript editor',
    timeoutMs: 150000,
    run: async ({ withWorkbench, REPO_ROOT, log }) => {
      await withWorkbench({ mode: 'dev', workspace: path.join(REPO_ROOT, 'examples') }, async (ctx) => {
        const { page } = ctx;
        await ctx.runCommand('HMM Trace: Create Capture Recipe…');
        const kernels = await rows(page);
        log(`kernel rows: ${JSON.stringify(kernels)}`);
        // code-server is a remote window (env.remoteName is set), so this machine's uname -r is not offered
        // there; a local desktop window lists it first. Every layout range and "Other version…" are offered.
        for (const v of ['6.1', '6.6', '6.8', '6.12', '6.15']) assert.ok(kernels.some((k) => k.startsWith(`${v}, `)), `offers ${v}`);
        log(`this machine: ${os.release()}`);
        await choose(page, 'edit  Other version…');
        const box = page.locator('.quick-input-widget input');
        await box.waitFor({ state: 'visible', timeout: 10000 });
        await box.fill('5.10');
        await page.locator('.quick-input-widget .quick-input-message', { hasText: 'older than 5.14' }).waitFor({ timeout: 10000 });
        await box.fill('6.12.117-tracelab');
        await page.waitForTimeout(300);
        await page.keyboard.press('Enter');
        await page.waitForTimeout(300);
        const drivers = await rows(page);
        log(`driver rows: ${JSON.stringify(drivers)}`);
        assert.ok(drivers.some((d) => d.startsWith('nouveau')) && drivers.some((d) => d.startsWith('test_hmm')));
        await choose(page, 'test_hmm');
        const tools = await rows(page);
        log(`tool rows: ${JSON.stringify(tools)}`);
        await choose(page, 'tracefs');
        const btf = await rows(page);
        log(`btf rows: ${JSON.stringify(btf)}`);
        await choose(page, 'Use raw x86_64 offsets');
        const tab = page.locator('.tabs-container .tab.active');
        await tab.waitFor({ timeout: 15000 });
        log(`active tab: ${await tab.getAttribute('aria-label')}`);
        const lines = page.locator('.editor-instance .monaco-editor .view-lines').first();
        await lines.waitFor({ timeout: 15000 });
        const text = ((await lines.textContent()) ?? '').replace(/\u00a0/g, ' ');
        log(`editor starts: ${text.slice(0, 200)}`);
        assert.match(text, /hmm-trace capture recipe: kernel 6\.12\.117-tracelab \(x86_64\), driver test_hmm, tool tracefs/);
        assert.equal(await page.locator('.statusbar-item', { hasText: 'Shell Script' }).count() > 0, true, 'language mode is Shell Script');
        log(`screenshot ${await ctx.screenshot('recipe-untitled-script')}`);
      });
    },
  },
  {
    name: 'recipe: the walkthrough lists capture, open, findings, annotate',
    timeoutMs: 120000,
    run: async ({ withWorkbench, REPO_ROOT, log }) => {
      await withWorkbench({ mode: 'dev', workspace: path.join(REPO_ROOT, 'examples') }, async (ctx) => {
        const { page } = ctx;
        await ctx.runCommand('Welcome: Open Walkthrough...');
        const list = await rows(page);
        log(`walkthroughs: ${JSON.stringify(list)}`);
        const ours = list.find((l) => /HMM Trace/.test(l));
        assert.ok(ours, 'our walkthrough is offered');
        await choose(page, ours.split(',')[0]);
        const body = page.locator('.gettingStartedContainer');
        await body.waitFor({ timeout: 15000 });
        await page.waitForTimeout(1500);
        const text = (await body.textContent()) ?? '';
        for (const t of ['Capture a trace with the right probes', 'Open the trace', 'Read the findings', 'Annotate suspicious invalidations']) {
          assert.ok(text.includes(t), `walkthrough shows "${t}"`);
        }
        log(`screenshot ${await ctx.screenshot('recipe-walkthrough')}`);
      });
    },
  },
];
