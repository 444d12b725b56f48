/**
 * The analysis custom editor's webview: Overview, Pages (table + page timeline) and Findings tabs over
 * one trace. Talks to the extension only through src/protocol.ts (lib/rpc.ts).
 */

import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type { PageRow } from '../src/protocol';
import { applyDefaults } from './lib/charts';
import { el, icon, replace } from './lib/dom';
import { on, request } from './lib/rpc';
import { current, subscribe, update, type Tab } from './lib/store';
import { onThemeChange, readTheme } from './lib/theme';
import { FindingsView } from './views/findings';
import { Overview } from './views/overview';
import { PagesView } from './views/pages';
import { PageTimelineView } from './views/pageTimeline';

const TABS: Tab[] = ['overview', 'pages', 'findings'];
const app = document.getElementById('app') as HTMLElement;

function fail(message: string): void {
  replace(app, el('div', { class: 'failure', role: 'alert' }, icon('error'), ' ', message));
}

on('failed', ({ message }) => fail(message));

async function main(): Promise<void> {
  const started = performance.now();
  const init = await request('init', {});
  // the init answer comes once the analysis is finished: from here on, it is the view's own time
  const analysed = performance.now();
  let theme = readTheme();
  applyDefaults(theme);
  const { summary } = init;
  const findingsView = new FindingsView();
  // the rules that fired, for the Pages table's filter (counts only: the findings themselves come per rule)
  const rules = (await request('findingsOverview', { width: 1 })).rules.map((r) => r.rule).sort();
  const overview = new Overview(summary, theme);
  const timeline = new PageTimelineView(theme, (id) => update({ selectedEvent: id }));
  const timelineHost = el('div', { class: 'timeline-host' }, el('p', { class: 'hint' }, 'Select a page in the table to see its timeline (Shift selects a range of pages, Enter opens it beside the editor).'));
  const showPages = (rows: PageRow[]) => {
    const sel = { as: rows[0].as, vpns: rows.map((r) => r.vpn) };
    update({ selection: sel });
    replace(timelineHost, timeline.root);
    void timeline.show(sel.as, sel.vpns, current().window);
  };
  const pages = new PagesView(rules, showPages);

  const tabs = el(
    'vscode-tabs',
    { class: 'tabs', 'aria-label': 'Analysis views' },
    el('vscode-tab-header', { slot: 'header', 'data-tab': 'overview' }, 'Overview'),
    el('vscode-tab-panel', { 'data-tab': 'overview' }, overview.root),
    el('vscode-tab-header', { slot: 'header', 'data-tab': 'pages' }, 'Pages'),
    el('vscode-tab-panel', { 'data-tab': 'pages' }, pages.root, timelineHost),
    el('vscode-tab-header', { slot: 'header', 'data-tab': 'findings' }, 'Findings'),
    el('vscode-tab-panel', { 'data-tab': 'findings' }, findingsView.root),
  ) as HTMLElement & { selectedIndex: number };
  const title = document.getElementById('title');
  if (title) title.textContent = `HMM Trace: ${init.traceName}`;
  replace(app, tabs);

  tabs.selectedIndex = TABS.indexOf(current().tab);
  tabs.addEventListener('vsc-tabs-select', (e) => update({ tab: TABS[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex] ?? 'overview' }));
  subscribe((s, changed) => {
    if (changed.has('tab') && tabs.selectedIndex !== TABS.indexOf(s.tab)) tabs.selectedIndex = TABS.indexOf(s.tab);
    if (changed.has('window') && timeline.current) void timeline.show(timeline.current.as, timeline.current.vpns, s.window);
  });
  on('notesChanged', ({ notes }) => findingsView.setNotes(notes));
  onThemeChange(() => {
    theme = readTheme();
    applyDefaults(theme);
    overview.setTheme(theme);
    timeline.setTheme(theme);
  });

  await Promise.all([overview.start(), findingsView.load()]);
  pages.reload();
  const sel = current().selection;
  if (sel) {
    replace(timelineHost, timeline.root);
    void timeline.show(sel.as, sel.vpns, current().window, current().selectedEvent);
  }
  document.body.setAttribute('data-ready', String(Math.round(performance.now() - started)));
  document.body.setAttribute('data-ready-after-analysis', String(Math.round(performance.now() - analysed)));
}

main().catch((err: unknown) => fail(`The analysis view could not start: ${err instanceof Error ? err.message : String(err)}`));
