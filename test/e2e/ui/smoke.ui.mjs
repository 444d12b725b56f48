// Smoke test of the real extension in real VS Code: open the bundled sample trace, switch it to the analysis
// custom editor with the command a user would run, read the webview's DOM, screenshot it in both themes,
// once with the extension loaded unpackaged (dev) and once installed from the .vsix users get.
/* global getComputedStyle */
import assert from 'node:assert/strict';
import path from 'node:path';

const TRACE = 'double_migrate.trace';

function smoke(mode, theme) {
  return {
    name: `smoke: ${TRACE} opens in the analysis editor (${mode}, ${theme})`,
    timeoutMs: 120000,
    run: async ({ withWorkbench, REPO_ROOT, log }) => {
      await withWorkbench({ mode, theme, workspace: path.join(REPO_ROOT, 'examples'), files: [TRACE] }, async (ctx) => {
        // The raw trace stays a text editor (priority "option"); the analysis is one command away.
        await ctx.runCommand('HMM Trace: Open Analysis');
        const view = ctx.webviewFrame(TRACE);
        const title = view.locator('#title');
        await title.waitFor({ timeout: 30000 });
        const text = (await title.textContent()) ?? '';
        assert.match(text, /HMM Trace: double_migrate\.trace/, `webview #title was ${JSON.stringify(text)}`);
        assert.equal(await view.locator('#app').count(), 1, 'webview has no #app root');
        // vsix mode must run the installed extension, not the checkout
        const devHost = (await ctx.page.title()).includes('[Extension Development Host]');
        assert.equal(devHost, mode === 'dev', `window title: ${await ctx.page.title()}`);
        // Two tabs on the same file: the text editor and the analysis editor, which is the active one.
        assert.equal(await ctx.page.locator('.tabs-container .tab', { hasText: TRACE }).count(), 2);
        const bg = await view.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
        log(`webview #title "${text}", body background ${bg}`);
        log(`screenshot ${path.relative(process.cwd(), await ctx.screenshot(`smoke-${mode}-${theme}`))}`);
      });
    },
  };
}

/** The command run with nothing open must say what to do (a notification), not fail silently. */
const noTrace = {
  name: 'smoke: Open Analysis with no trace open tells the user to open one (dev)',
  timeoutMs: 90000,
  run: async ({ withWorkbench, REPO_ROOT, log }) => {
    await withWorkbench({ mode: 'dev', workspace: path.join(REPO_ROOT, 'examples') }, async (ctx) => {
      await ctx.runCommand('HMM Trace: Open Analysis');
      const text = await ctx.waitForNotification(/HMM Trace: open a trace/);
      log(`notification: ${text}`);
      assert.equal(await ctx.page.locator('iframe.webview.ready').count(), 0, 'a webview opened without a trace');
    });
  },
};

export const tests = [smoke('dev', 'light'), smoke('dev', 'dark'), smoke('vsix', 'light'), smoke('vsix', 'dark'), noTrace];
