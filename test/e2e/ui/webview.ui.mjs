// The analysis webview in real VS Code (code-server + headless chromium), on the real 6.1 double_migrate
// capture (test_hmm: 8 pages to the device, again (no-op), back to RAM, to the device again) and on the XSS
// copy of it (test/fixtures/xss). Each test starts its own workbench on a throw-away copy of the files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const TRACE = 'double_migrate.txt';
const FILES = {
  [TRACE]: 'test/fixtures/traces/k6.1/double_migrate-ftrace.txt',
  [`${TRACE}.kprobe_events`]: 'test/fixtures/traces/k6.1/_guest-6.1-kprobe_events.txt',
};
const XSS = 'xss-double_migrate.txt';
const XSS_FILES = { [XSS]: `test/fixtures/xss/${XSS}`, [`${XSS}.kprobe_events`]: `test/fixtures/xss/${XSS}.kprobe_events` };

/** Opens the trace as text, then its analysis; resolves with the webview frame once the views are ready. */
async function openAnalysis(ctx, file) {
  await ctx.openFile(file);
  await ctx.runCommand('HMM Trace: Open Analysis');
  const view = ctx.webviewFrame(file);
  await view.locator('body[data-ready]').waitFor({ timeout: 60000 });
  return view;
}

async function tab(view, name) {
  await view.locator(`vscode-tab-header[data-tab="${name}"]`).click();
  await view.locator(`vscode-tab-panel[data-tab="${name}"]`).waitFor({ state: 'visible' });
}

async function value(view, metric) {
  return Number(await view.locator(`[data-metric="${metric}"] .card-value, dd[data-metric="${metric}"]`).first().getAttribute('data-value'));
}

/** `a` contains `b` in order (not necessarily adjacent). */
function hasSubsequence(a, b) {
  let i = 0;
  for (const x of a) if (x === b[i]) i++;
  return i === b.length;
}

async function editorLine(page) {
  const item = page.locator('.statusbar-item[id="status.editor.selection"]');
  await item.waitFor({ timeout: 15000 });
  const m = /Ln (\d+)/.exec((await item.textContent()) ?? '');
  return m ? Number(m[1]) : undefined;
}

export const tests = [
  {
    name: 'webview: overview numbers equal `analyze --json` (light theme screenshot)',
    timeoutMs: 180000,
    run: async ({ withWorkbench, tempWorkspace, REPO_ROOT, log }) => {
      const ws = tempWorkspace(FILES);
      const cli = JSON.parse(execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'analyze', '--json', path.join(ws, TRACE)], { encoding: 'utf8' }));
      const s = cli.summary;
      await withWorkbench({ mode: 'dev', theme: 'light', workspace: ws }, async (ctx) => {
        const view = await openAnalysis(ctx, TRACE);
        const checked = [];
        for (const key of ['events', 'pages', 'addressSpaces', 'lines', 'unparsed']) {
          if (typeof s[key] !== 'number') continue;
          const metric = key === 'lines' || key === 'unparsed' ? `events.${key}` : key;
          assert.equal(await value(view, metric), s[key], `${key} card`);
          checked.push(key);
        }
        const mig = typeof s.migrations === 'number' ? { count: s.migrations } : s.migrations;
        assert.equal(await value(view, 'migrations'), mig.count, 'migrations card');
        for (const k of ['requested', 'collected', 'migrated']) if (typeof mig[k] === 'number') assert.equal(await value(view, `migrations.${k}`), mig[k], `migrations.${k}`);
        for (const [ev, n] of Object.entries(s.invalidations)) assert.equal(await value(view, `invalidations.${ev}`), n, `invalidations ${ev}`);
        const bySeverity = { error: 0, warning: 0, info: 0 };
        for (const f of cli.findings) bySeverity[f.severity]++;
        for (const [sev, n] of Object.entries(bySeverity)) assert.equal(await value(view, `findings.${sev}`), n, `findings ${sev}`);
        checked.push('migrations', 'invalidations', 'findings');
        log(`overview equals analyze --json on ${checked.join(', ')}; ready after ${await view.locator('body').getAttribute('data-ready')} ms, ${await view.locator('body').getAttribute('data-ready-after-analysis')} ms after the analysis finished`);
        log(`screenshot ${await ctx.screenshot('webview-overview-light')}`);
        await tab(view, 'pages');
        await view.locator('.grid-row[data-index="0"]').click();
        await view.locator('.state-sequence li').first().waitFor();
        log(`screenshot ${await ctx.screenshot('webview-pages-light')}`);
        await tab(view, 'overview');
        await view.locator('.diagnostics summary').click();
        // the table is filled by a metrics request after the click: wait for it instead of reading it at once
        await view.locator('.view-metrics tbody tr').nth(3).waitFor({ timeout: 15000 });
        const rows = await view.locator('.view-metrics tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent));
        assert.ok(rows.length > 3, 'the view measured its requests');
        for (const r of await view.locator('.view-metrics tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)))) {
          log(`request ${r[0]}: ${r[1]}×, median ${r[2]} ms, max ${r[3]} ms, largest ${r[4]} bytes`);
        }
      });
    },
  },
  {
    name: 'webview: a page shows device-private, system, device-private; clicking an event point selects its line (dark theme)',
    timeoutMs: 180000,
    run: async ({ withWorkbench, tempWorkspace, log }) => {
      const ws = tempWorkspace(FILES);
      await withWorkbench({ mode: 'dev', theme: 'dark', workspace: ws }, async (ctx) => {
        const view = await openAnalysis(ctx, TRACE);
        log(`screenshot ${await ctx.screenshot('webview-overview-dark')}`);
        await tab(view, 'pages');
        const row = view.locator('.grid-row[data-index="0"]');
        const page = await row.getAttribute('data-page');
        await row.click();
        const seq = view.locator(`.state-sequence[data-page="${page}"]`);
        await seq.waitFor();
        const states = ((await seq.getAttribute('data-states')) ?? '').split(',');
        assert.ok(hasSubsequence(states, ['device-private', 'system', 'device-private']), `states of ${page}: ${states.join(' → ')}`);
        log(`page ${page}: ${states.join(' → ')}`);
        // pick an event with the keyboard (no reveal), then click that point on the canvas
        const box = view.locator('.timeline-box');
        await box.focus();
        for (let i = 0; i < 4; i++) await box.press('ArrowRight');
        await view.locator('.timeline-box[data-selected-line]').waitFor();
        const line = Number(await box.getAttribute('data-selected-line'));
        const x = Number(await box.getAttribute('data-selected-x'));
        const y = Number(await box.getAttribute('data-selected-y'));
        log(`screenshot ${await ctx.screenshot('webview-timeline-dark')}`);
        await view.locator('.timeline-box canvas').click({ position: { x, y } });
        await ctx.page.locator('.tabs-container .tab.active', { hasText: TRACE }).first().waitFor({ timeout: 15000 });
        let got;
        for (let i = 0; i < 30 && got !== line; i++) {
          got = await editorLine(ctx.page);
          if (got !== line) await ctx.page.waitForTimeout(200);
        }
        assert.equal(got, line, 'the trace editor selection is on the clicked event line');
        log(`clicked event at (${x}, ${y}) → editor on line ${got}`);
        log(`screenshot ${await ctx.screenshot('webview-reveal-dark')}`);
      });
    },
  },
  {
    name: 'webview: a note added in Findings lands in the sidecar and is shown after reopening',
    timeoutMs: 180000,
    run: async ({ withWorkbench, tempWorkspace, log }) => {
      const ws = tempWorkspace(FILES);
      const body = `checked with dmirror: expected no-op ${Date.now()}`;
      await withWorkbench({ mode: 'dev', theme: 'light', workspace: ws }, async (ctx) => {
        let view = await openAnalysis(ctx, TRACE);
        await tab(view, 'findings');
        const finding = view.locator('.finding').first();
        const key = await finding.getAttribute('data-key');
        await finding.locator('.add-note').click();
        await finding.locator('vscode-textarea textarea').fill(body);
        await finding.locator('.save-note').click();
        await view.locator('.note-body', { hasText: body }).waitFor({ timeout: 15000 });
        const sidecar = path.join(ws, `${TRACE}.hmmnotes.json`);
        let text = '';
        for (let i = 0; i < 50 && !text.includes(body); i++) {
          text = fs.existsSync(sidecar) ? fs.readFileSync(sidecar, 'utf8') : '';
          if (!text.includes(body)) await ctx.page.waitForTimeout(200);
        }
        assert.ok(text.includes(body), `sidecar ${sidecar} holds the note`);
        assert.ok(text.includes(key), 'the note is attached to the finding key');
        log(`sidecar has the note for ${key}`);
        await ctx.runCommand('View: Close All Editors');
        view = await openAnalysis(ctx, TRACE);
        await tab(view, 'findings');
        await view.locator('.note-body', { hasText: body }).waitFor({ timeout: 15000 });
        log(`screenshot ${await ctx.screenshot('webview-findings-note-light')}`);
      });
    },
  },
  {
    name: 'webview: task names and markers with <img onerror> and </script> render as text and run nothing',
    timeoutMs: 180000,
    run: async ({ withWorkbench, tempWorkspace, log }) => {
      const ws = tempWorkspace(XSS_FILES);
      await withWorkbench({ mode: 'dev', theme: 'dark', workspace: ws }, async (ctx) => {
        const dialogs = [];
        ctx.page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        const view = await openAnalysis(ctx, XSS);
        await view.locator('.markers-section summary').click();
        await view.locator('.marker-text', { hasText: '</script><img src=x onerror=alert(2)>' }).first().waitFor();
        await tab(view, 'pages');
        await view.locator('.grid-row[data-index="0"]').click();
        await view.locator('.state-sequence li').first().waitFor();
        const box = view.locator('.timeline-box');
        await box.focus();
        await box.press('ArrowRight');
        await view.locator('.event-details td', { hasText: '<img src=x onerror=alert(1)>' }).first().waitFor();
        await tab(view, 'findings');
        await view.locator('.finding .message', { hasText: '<img src=x onerror=alert(1)>' }).first().waitFor();
        assert.equal(await view.locator('img').count(), 0, 'no <img> element was created from trace text');
        // VS Code injects its own host script into the frame; every other script must be our nonce'd bundle
        const scripts = await view.locator('script').evaluateAll((els) => els.map((e) => ({ src: e.getAttribute('src') ?? '', text: e.textContent ?? '' })));
        assert.equal(scripts.filter((x) => x.src.endsWith('/analysis.entry.js')).length, 1, 'the bundle is loaded once');
        assert.ok(scripts.every((x) => !/onerror|alert\(/.test(x.src + x.text)), `no script carries trace text: ${JSON.stringify(scripts.map((x) => x.src))}`);
        await ctx.page.waitForTimeout(500);
        assert.deepEqual(dialogs, [], 'no alert() ran');
        log(`screenshot ${await ctx.screenshot('webview-xss-dark')}`);
      });
    },
  },
];

async function goToLine(ctx, line) {
  await ctx.page.keyboard.press('Control+G');
  await ctx.page.keyboard.type(String(line));
  await ctx.page.keyboard.press('Enter');
}

tests.push({
  name: 'webview: the page-timeline panel opens at the cursor, follows the selection, and survives a reload',
  timeoutMs: 240000,
  run: async ({ withWorkbench, tempWorkspace, log }) => {
    const ws = tempWorkspace(FILES);
    await withWorkbench({ mode: 'dev', theme: 'dark', workspace: ws }, async (ctx) => {
      // analyse first (the command at cursor reuses the cached analysis)
      await openAnalysis(ctx, TRACE);
      await ctx.page.locator('.tabs-container .tab', { hasText: TRACE }).first().click();
      await goToLine(ctx, 129); // remove_migration_pte addr=7f829c9ba000: one page
      await ctx.runCommand('HMM Trace: Show Page Timeline at Cursor');
      let panel = ctx.webviewFrame(/Page timeline/);
      const seq = panel.locator('.state-sequence[data-page="0x7f829c9ba000"]');
      await seq.waitFor({ timeout: 30000 });
      const states = ((await seq.getAttribute('data-states')) ?? '').split(',');
      assert.ok(hasSubsequence(states, ['device-private', 'system', 'device-private']), `panel states ${states.join(' → ')}`);
      log(`panel on 0x7f829c9ba000: ${states.join(' → ')}`);
      // follow the editor: the cursor on line 133 (remove_migration_pte addr=7f829c9bc000) moves the panel there
      await panel.locator('vscode-checkbox').click();
      await ctx.page.locator('.tabs-container .tab', { hasText: TRACE }).first().click();
      await goToLine(ctx, 133);
      await panel.locator('.state-sequence[data-page="0x7f829c9bc000"]').waitFor({ timeout: 15000 });
      log('panel followed the cursor to 0x7f829c9bc000');
      // a range event (mn_start on line 92 covers the 8 pages) shows one row per page
      await goToLine(ctx, 92);
      await panel.locator('.timeline-title', { hasText: '8 pages' }).waitFor({ timeout: 15000 });
      log(`screenshot ${await ctx.screenshot('webview-panel-range-dark')}`);
      await ctx.runCommand('Developer: Reload Window');
      await ctx.page.waitForTimeout(3000);
      panel = ctx.webviewFrame(/Page timeline/);
      await panel.locator('.timeline-title', { hasText: '8 pages' }).waitFor({ timeout: 60000 });
      assert.equal(await panel.locator('vscode-checkbox').evaluate((c) => c.checked), true, 'follow toggle restored');
      log('panel restored by the serializer after reload');
    });
  },
});

tests.push({
  name: 'webview: brushing the event-rate chart filters the findings (high-contrast theme screenshot)',
  timeoutMs: 180000,
  run: async ({ withWorkbench, tempWorkspace, log }) => {
    const ws = tempWorkspace(FILES);
    await withWorkbench({ mode: 'dev', theme: 'Default High Contrast', workspace: ws }, async (ctx) => {
      const view = await openAnalysis(ctx, TRACE);
      const canvas = view.locator('.rate-box canvas');
      const box = await canvas.boundingBox();
      // the only finding (no-op MIGRATE at 5.9008 s) lies in the first third; brush the last quarter
      const y = Math.round(box.height * 0.3); // inside the plot area, above the legend
      await canvas.hover({ position: { x: Math.round(box.width * 0.75), y } });
      await ctx.page.mouse.down();
      for (const f of [0.8, 0.85, 0.9, 0.95]) await canvas.hover({ position: { x: Math.round(box.width * f), y } });
      await ctx.page.mouse.up();
      await view.locator('.window-label', { hasText: 'Window' }).waitFor();
      log(`brushed: ${await view.locator('.window-label').textContent()}`);
      log(`screenshot ${await ctx.screenshot('webview-overview-hc')}`);
      await tab(view, 'findings');
      await view.locator('.findings .hint', { hasText: 'No findings in the selected time window' }).waitFor();
      await tab(view, 'overview');
      await view.locator('button[aria-label="Show the whole trace"]').click();
      await view.locator('.window-label', { hasText: 'Whole trace' }).waitFor();
      await tab(view, 'findings');
      assert.equal(await view.locator('.finding').count(), 1, 'the finding is back for the whole trace');
      await tab(view, 'pages');
      await view.locator('.grid-row[data-index="0"]').click();
      await view.locator('.state-sequence li').first().waitFor();
      log(`screenshot ${await ctx.screenshot('webview-pages-hc')}`);
    });
  },
});
