// Driving the VS Code 1.100 web workbench from playwright: readiness, Quick Open, the command palette, the
// nested webview iframes, notifications, screenshots. The DOM facts this relies on (checked against
// code-server 4.100.3):
//  - a webview is <iframe class="webview ready" name="<uuid>"> (VS Code's host page) holding
//    <iframe id="active-frame"> (the extension's HTML). The iframes do not live inside the editor group: they
//    are overlaid on it, and the ones of hidden editors are display:none / visibility:hidden. So "the webview of
//    tab X" is found geometrically: the visible webview iframe whose centre lies inside X's editor group.
//  - Quick Open / command palette rows are .quick-input-list .monaco-list-row with aria-label "<label>, ...".
/* global getComputedStyle, document */
import fs from 'node:fs';
import path from 'node:path';
import { selectors } from 'playwright-core';

const ENGINE = 'hmmwebview';
let registered;

/**
 * A selector engine that resolves, at query time (so a FrameLocator built on it stays lazy and re-evaluates on
 * every retry), the outer iframe of a visible webview: spec {index} = nth visible; {title} = the one inside the
 * editor group whose active tab (or the view pane whose header) matches; {} = the one in the active group.
 * Runs in the page: no closures.
 */
const webviewEngine = () => ({
  query(root, selector) {
    return this.queryAll(root, selector)[0] ?? null;
  },
  queryAll(root, selector) {
    const doc = root.ownerDocument ?? root;
    const spec = JSON.parse(selector);
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const frames = [...doc.querySelectorAll('iframe.webview.ready')].filter(visible);
    if (typeof spec.index === 'number') return frames[spec.index] ? [frames[spec.index]] : [];
    const inside = (area) => {
      const r = area.getBoundingClientRect();
      return frames.filter((f) => {
        const b = f.getBoundingClientRect();
        const x = b.left + b.width / 2;
        const y = b.top + b.height / 2;
        return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
      });
    };
    if (!spec.title) {
      const group = doc.querySelector('.editor-group-container.active');
      const hit = group ? inside(group) : [];
      return hit.length ? hit : frames.slice(0, 1);
    }
    const re = new RegExp(spec.title.source, spec.title.flags);
    for (const tab of doc.querySelectorAll('.tabs-container .tab.active')) {
      const label = tab.querySelector('.label-name')?.textContent ?? tab.getAttribute('aria-label') ?? '';
      const group = tab.closest('.editor-group-container');
      if (group && re.test(label)) return inside(group);
    }
    for (const pane of doc.querySelectorAll('.pane')) {
      const title = pane.querySelector('.pane-header .title')?.textContent ?? '';
      const body = pane.querySelector('.pane-body');
      if (body && re.test(title)) return inside(body);
    }
    return [];
  },
});

/** Registers the engine once per process; must happen before the first page is created. */
export function registerSelectors() {
  registered ??= selectors.register(ENGINE, webviewEngine);
  return registered;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Waits until the workbench is usable: layout rendered, explorer populated, extensions host up. */
export async function waitForWorkbench(page, mode) {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
  if (mode === 'dev') {
    // the URL payload was honoured: the window is an Extension Development Host
    await page.waitForFunction(() => document.title.includes('[Extension Development Host]'), null, { timeout: 30000 });
  }
}

/** The ctx object handed to withWorkbench's callback (documented in harness.mjs). */
export function makeWorkbenchContext({ page, workspace, mode, server, screenshots }) {
  const quickInput = page.locator('.quick-input-widget');
  const input = quickInput.locator('input');

  /**
   * Opens a quick input with `key`, types `text` and clicks (once) the row whose label is exactly `label` (aria-label
   * "<label>" or "<label>, ..."). Retries by re-opening the picker: right after start-up the workbench can be
   * drawn before the extension host has registered the extensions' commands (slow, loaded machines).
   */
  async function pick(key, text, label, timeoutMs = 30000) {
    const rows = quickInput.locator('.quick-input-list .monaco-list-row');
    const row = quickInput.locator(`.quick-input-list .monaco-list-row[aria-label=${JSON.stringify(label)}], `
      + `.quick-input-list .monaco-list-row[aria-label^=${JSON.stringify(label + ', ')}]`).first();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        // The input element stays in the DOM when hidden: wait for it to be shown, or press again.
        await page.keyboard.press(key);
        await input.waitFor({ state: 'visible', timeout: 5000 });
        await input.fill(text, { timeout: 5000 });
        await row.waitFor({ timeout: 3000 });
      } catch (e) {
        if (Date.now() > deadline) {
          const seen = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label'))).catch(() => []);
          throw new Error(`no quick-input row "${label}" after ${timeoutMs} ms; rows: ${JSON.stringify(seen)} (${e.message.split('\n')[0]})`);
        }
        await page.keyboard.press('Escape');
        await page.waitForTimeout(500);
        continue;
      }
      // The picker can close between finding the row and clicking it (focus taken by a notification or an
      // editor update on a loaded machine): playwright then times out before dispatching the click, so it is
      // safe to start over. Once the click is dispatched it is never retried: the command has run. It may open
      // its own quick input (an input box or a second pick), so the widget is not required to close.
      try {
        await row.click({ timeout: 5000 });
      } catch (e) {
        if (e?.name !== 'TimeoutError' || Date.now() > deadline) throw e;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(500);
        continue;
      }
      return;
    }
  }

  const ctx = {
    page,
    workspace,
    mode,
    server: { url: server.url, port: server.port, remote: server.remote },

    async openFile(rel) {
      const base = path.posix.basename(rel);
      await pick('Control+P', rel, base);
      await page.locator('.tabs-container .tab.active', { hasText: base }).first().waitFor({ timeout: 15000 });
    },

    async runCommand(title) {
      await pick('F1', '>' + title, title);
    },

    webviewFrame(titleOrIndex) {
      let spec = {};
      if (typeof titleOrIndex === 'number') spec = { index: titleOrIndex };
      else if (typeof titleOrIndex === 'string') spec = { title: { source: escapeRegExp(titleOrIndex), flags: '' } };
      else if (titleOrIndex instanceof RegExp) spec = { title: { source: titleOrIndex.source, flags: titleOrIndex.flags } };
      return page.locator(`${ENGINE}=${JSON.stringify(spec)}`).first()
        .contentFrame().locator('iframe#active-frame').contentFrame();
    },

    async screenshot(name) {
      fs.mkdirSync(screenshots, { recursive: true });
      const file = path.join(screenshots, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      await page.mouse.move(1, 1); // park the pointer in the title bar: no hover tooltip over the view
      await page.waitForTimeout(400); // let fades and hover widgets settle
      await page.screenshot({ path: file });
      return file;
    },

    async waitForNotification(textRegex, timeoutMs = 15000) {
      const re = textRegex instanceof RegExp ? textRegex : new RegExp(escapeRegExp(String(textRegex)));
      const items = page.locator('.notification-toast-container .notification-list-item-message, .notifications-center .notification-list-item-message');
      const deadline = Date.now() + timeoutMs;
      let openedCenter = false;
      while (Date.now() < deadline) {
        for (const text of await items.allTextContents()) if (re.test(text)) return text;
        // Toasts are hidden with the smoke-test driver on (newer VS Code) and fade after a while; the
        // Notifications Center lists every notification of the session.
        if (!openedCenter && Date.now() > deadline - timeoutMs + 2000) {
          openedCenter = true;
          await ctx.runCommand('Notifications: Show Notifications');
        }
        await page.waitForTimeout(200);
      }
      const seen = await items.allTextContents();
      throw new Error(`no notification matching ${re} within ${timeoutMs} ms; seen: ${JSON.stringify(seen)}`);
    },
  };
  return ctx;
}
