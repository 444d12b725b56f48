// Notes and navigation in real VS Code: Go to Event by line, Annotate Invalidation… on a spurious CLEAR
// (note + "expected" for its finding), the note's comment thread on the line, the finding listed as
// expected in the HMM Trace Findings view (reached by clicking the status bar item), the sidecar written.
/* global getComputedStyle */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const TRACE = 'exclusive-tracecmd.txt';
const NOTE = 'THP split under make_device_exclusive: CLEAR expected in this test';

function notesCase(theme) {
  return {
    name: `editor notes: Go to Event, Annotate Invalidation, expected finding in the Findings view (${theme})`,
    timeoutMs: 180000,
    run: async ({ withWorkbench, tempWorkspace, log }) => {
      const workspace = tempWorkspace([`test/fixtures/traces/k6.1/${TRACE}`]);
      await withWorkbench({ mode: 'dev', theme, workspace, files: [TRACE], viewport: { width: 1400, height: 860 } }, async (ctx) => {
        const { page } = ctx;
        const quick = page.locator('.quick-input-widget');
        const status = page.locator('.statusbar-item', { hasText: /trace-cmd-report · [\d,]+ events · 5 findings/ }).first();
        await status.waitFor({ timeout: 30000 });
        const squiggles = page.locator('.editor-group-container.active .monaco-editor .squiggly-warning');

        // Go to Event…: a time in seconds goes to the first event at or after it (the split's CLEAR, line 170)
        await ctx.runCommand('HMM Trace: Go to Event…');
        await quick.locator('input').fill('31.393129');
        await quick.locator('.monaco-list-row', { hasText: 'Go to the first event at or after 31.393129000 s' }).first().waitFor();
        await page.keyboard.press('Enter');
        await page.locator('.statusbar-item', { hasText: /^Ln 170, Col 1$/ }).first().waitFor({ timeout: 15000 });
        await ctx.runCommand('Go to Line/Column...');
        await quick.locator('input').fill(':1');
        await page.keyboard.press('Enter');

        // Go to Event…: typing a line offers "Go to line N" first
        await ctx.runCommand('HMM Trace: Go to Event…');
        await quick.locator('input').fill('170');
        await quick.locator('.monaco-list-row', { hasText: 'Go to line 170' }).first().waitFor();
        await page.keyboard.press('Enter');
        await page.locator('.statusbar-item', { hasText: /^Ln 170, Col 1$/ }).first().waitFor({ timeout: 15000 });
        const before = await squiggles.count();

        // Annotate Invalidation…: the note, then mark the split-clear finding on this line as expected
        await ctx.runCommand('HMM Trace: Annotate Invalidation…');
        await quick.locator('input').waitFor();
        assert.match((await quick.textContent()) ?? '', /note on CLEAR 2 MiB/);
        await quick.locator('input').fill(NOTE);
        await page.keyboard.press('Enter');
        const row = quick.locator('.monaco-list-row', { hasText: 'invalidation/split-clear' }).first();
        await row.waitFor({ timeout: 10000 });
        // under load the first click can land while the list is still laying out: click until the picker
        // counts the row as selected, then accept
        const box = row.locator('.monaco-checkbox, input[type=checkbox]').first();
        const selected = () =>
          box.evaluate((e) => e.checked === true || e.getAttribute('aria-checked') === 'true' || e.classList.contains('checked'));
        for (let i = 0; i < 5 && !(await selected()); i++) {
          await box.click();
          for (let j = 0; j < 10 && !(await selected()); j++) await page.waitForTimeout(100);
        }
        assert.ok(await selected(), 'the split-clear finding could not be ticked in the picker');
        await page.keyboard.press('Enter');
        await quick.waitFor({ state: 'hidden' });
        await page.locator('.statusbar-item', { hasText: /trace-cmd-report · [\d,]+ events · 4 findings/ }).first().waitFor({ timeout: 15000 });
        log(`squiggles ${before} → ${await squiggles.count()}`);

        // the sidecar beside the trace holds the note, marked expected for the finding
        const sidecar = path.join(workspace, `${TRACE}.hmmnotes.json`);
        const saved = JSON.parse(fs.readFileSync(sidecar, 'utf8'));
        assert.equal(saved.version, 1);
        assert.equal(saved.notes[0].body, NOTE);
        assert.equal(saved.notes[0].expected, true);
        assert.equal(saved.notes[0].line, 170);

        // the comment thread on line 170 (Comments API): its glyph in the gutter; expand it
        // (the thread is created when the notes service reports the change: retry until it is there)
        const widget = page.locator('.review-widget', { hasText: NOTE }).first();
        for (let i = 0; i < 10 && !(await widget.isVisible()); i++) {
          // the palette row can still be animating when clicked: a failed attempt is closed and retried
          await ctx.runCommand('Comments: Expand All Comments').catch(() => page.keyboard.press('Escape'));
          await widget.waitFor({ timeout: 1500 }).catch(() => {});
        }
        await widget.waitFor({ timeout: 5000 });
        const colour = await widget.evaluate((e) => getComputedStyle(e).color);
        log(`comment widget colour ${colour}`);

        // Resolve from the thread's title bar: the state lands in the sidecar
        // the widget is re-rendered when the thread updates (a hover can land on a node that is replaced):
        // hover and click again until the state is saved
        const resolvedSaved = () => JSON.parse(fs.readFileSync(sidecar, 'utf8')).notes[0].resolved === true;
        for (let attempt = 0; attempt < 5 && !resolvedSaved(); attempt++) {
          try {
            await widget.hover({ timeout: 5000 });
            await widget.locator('.action-label[aria-label="Resolve"]').first().click({ timeout: 5000 });
          } catch {
            // the thread collapsed (a re-render can fold it): expand it again before the next try
            await ctx.runCommand('Comments: Expand All Comments').catch(() => page.keyboard.press('Escape'));
            await widget.waitFor({ timeout: 5000 }).catch(() => {});
            continue;
          }
          for (let i = 0; i < 50 && !resolvedSaved(); i++) await page.waitForTimeout(100);
        }
        assert.equal(JSON.parse(fs.readFileSync(sidecar, 'utf8')).notes[0].resolved, true, 'Resolve was not saved');

        // status bar click → the Findings view, with the finding under "Expected (suppressed)"
        await status.or(page.locator('.statusbar-item', { hasText: /4 findings/ }).first()).first().click();
        const tree = page.locator('.pane', { hasText: 'Findings' }).first();
        await page.locator('.monaco-list-row', { hasText: 'Expected (suppressed)' }).first().waitFor({ timeout: 15000 });
        await page.locator('.monaco-list-row', { hasText: 'Expected (suppressed)' }).first().click();
        await page.locator('.monaco-list-row', { hasText: /THP split sent a 2 MiB CLEAR/ }).first().waitFor({ timeout: 10000 });
        const rows = await tree.locator('.monaco-list-row').allTextContents();
        log(`findings view: ${rows.slice(0, 8).join(' | ')}`);
        assert.ok(rows.some((r) => /invalidation\/split-clear/.test(r)), 'the other split-clear finding is still a problem');
        // a finding row reveals its evidence line
        await page.locator('.monaco-list-row', { hasText: /THP split sent a 2 MiB CLEAR.*line 170/ }).first().click();
        await page.locator('.statusbar-item', { hasText: /^Ln 170, Col 1$/ }).first().waitFor({ timeout: 10000 });
        for (let i = 0; i < 5 && !(await widget.isVisible()); i++) {
          await ctx.runCommand('Comments: Expand All Comments').catch(() => page.keyboard.press('Escape'));
          await widget.waitFor({ timeout: 1500 }).catch(() => {});
        }
        await ctx.screenshot(`editor-notes-${theme}`);
      });
    },
  };
}

export const tests = [notesCase('light'), notesCase('dark')];
