/* global getComputedStyle */
// The raw trace as a first-class editor, in real VS Code: a real capture (.txt) is recognised as ftrace and
// highlighted, findings appear as squiggles with an after-line text, hovering an invalidation decodes it,
// and clicking its CodeLens opens the page timeline. Screenshots in the light and dark themes.
import assert from 'node:assert/strict';
import path from 'node:path';

const TRACE = 'exclusive-tracecmd.txt';

function editorCase(theme) {
  return {
    name: `editor: highlighting, diagnostics, hover and CodeLens on ${TRACE} (${theme})`,
    timeoutMs: 180000,
    run: async ({ withWorkbench, tempWorkspace, log, SCREENSHOTS }) => {
      const workspace = tempWorkspace([`test/fixtures/traces/k6.1/${TRACE}`]);
      await withWorkbench({ mode: 'dev', theme, workspace, files: [TRACE], viewport: { width: 1400, height: 860 }, settings: { 'editor.wordWrap': 'on' } }, async (ctx) => {
        const { page } = ctx;
        const editor = page.locator('.editor-group-container.active .monaco-editor').first();
        // language switched by content: the status bar names it, and the grammar colours tokens
        await page.locator('.statusbar-item', { hasText: /^ftrace$/ }).first().waitFor({ timeout: 30000 });
        // the analysis status bar item: format, events, findings
        const status = page.locator('.statusbar-item', { hasText: /trace-cmd-report · [\d,]+ events · \d+ findings?/ }).first();
        await status.waitFor({ timeout: 30000 });
        log(`status bar: ${(await status.textContent())?.trim()}`);
        // go to the first 2 MiB CLEAR the THP split sent (the split-clear finding's evidence)
        // findings in file order: make_device_exclusive's failed conversion, then the split's CLEAR
        // once from the palette, once with its keybinding (alt+] in a trace editor)
        await ctx.runCommand('HMM Trace: Next Finding');
        await page.locator('.statusbar-item', { hasText: /^Ln 168, Col 1$/ }).first().waitFor({ timeout: 15000 });
        await page.keyboard.press('Alt+BracketRight');
        await page.locator('.statusbar-item', { hasText: /^Ln 170, Col 1$/ }).first().waitFor({ timeout: 15000 });
        await editor.locator('.squiggly-warning, .squiggly-info, .squiggly-error').first().waitFor({ timeout: 30000 });
        const colours = await editor.locator('.view-line span span').evaluateAll((els) => new Set(els.map((e) => getComputedStyle(e).color)).size);
        assert.ok(colours >= 4, `only ${colours} token colours: the grammar did not apply`);
        // the after-line annotation text is rendered by a decoration pseudo-element: read its content
        const after = await editor.locator('.view-line span[class*="ced-"]').evaluateAll((els) =>
          els.map((e) => getComputedStyle(e, '::after').content).filter((c) => c && c !== 'none'));
        log(`after-line annotations: ${after.slice(0, 3).join(' | ')}`);
        assert.ok(after.some((c) => /⟵ .*split-clear|⟵ .*\(/.test(c)), `no after-line annotation: ${JSON.stringify(after.slice(0, 5))}`);
        await ctx.screenshot(`editor-diagnostics-${theme.replace(/\W+/g, '-')}`);

        // hover the event line under the cursor
        await ctx.runCommand('Show or Focus Hover');
        const hover = page.locator('.monaco-hover:not(.hidden)').first();
        await hover.waitFor({ timeout: 15000 });
        await page.locator('.monaco-hover', { hasText: /mmu_notifier event \*?\*?CLEAR|mmu_notifier event CLEAR/ }).first().waitFor({ timeout: 15000 });
        const hoverText = await hover.textContent();
        log(`hover: ${hoverText?.slice(0, 160)}`);
        assert.match(hoverText ?? '', /mn_start/);
        assert.match(hoverText ?? '', /owner NULL|owner\s+NULL/);
        assert.match(hoverText ?? '', /split-clear/);
        assert.match(hoverText ?? '', /Show page timeline/);
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(SCREENSHOTS, `editor-hover-${theme.replace(/\W+/g, '-')}.png`) });
        await page.keyboard.press('Escape');

        // click a CodeLens "Page timeline (N pages)" → the page timeline panel opens
        const lens = editor.locator('.codelens-decoration a', { hasText: /^Page timeline \(\d+ pages?\)$/ }).filter({ visible: true }).first();
        await lens.waitFor({ timeout: 15000 });
        log(`clicking CodeLens "${await lens.textContent()}"`);
        await lens.click();
        await page.locator('.tabs-container .tab', { hasText: /Page timeline/ }).first().waitFor({ timeout: 30000 });
        const view = ctx.webviewFrame(/Page timeline/);
        await view.locator('#app').waitFor({ timeout: 30000 });
        await page.waitForTimeout(1500);
        await ctx.screenshot(`editor-codelens-timeline-${theme.replace(/\W+/g, '-')}`);
      });
    },
  };
}

export const tests = [editorCase('light'), editorCase('dark'), editorCase('Default High Contrast')];
