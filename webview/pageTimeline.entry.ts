/**
 * The page-timeline panel's webview: the timeline of the pages the extension asks for (from the editor's
 * CodeLens or cursor, from the analysis view, or following the editor selection), with a toggle to
 * follow the selection. Its state (trace, pages, follow) is saved for the WebviewPanelSerializer.
 */

import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { AddressSpace } from '../src/core/model/types';
import type { EventMap } from '../src/protocol';
import { applyDefaults } from './lib/charts';
import { el, icon, replace } from './lib/dom';
import { getState, on, request, saveState } from './lib/rpc';
import { onThemeChange, readTheme } from './lib/theme';
import { PageTimelineView } from './views/pageTimeline';

interface PanelState {
  trace: string;
  traceName: string;
  as: AddressSpace;
  vpns: number[];
  follow: boolean;
}

const app = document.getElementById('app') as HTMLElement;
let theme = readTheme();
applyDefaults(theme);
const view = new PageTimelineView(theme);
const title = document.getElementById('title') ?? el('h1', { id: 'title' }, 'Page timeline');
const follow = el('vscode-checkbox', { label: 'Follow the editor selection', 'aria-label': 'Follow the editor selection' }) as HTMLElement & {
  checked: boolean;
};
follow.addEventListener('change', () => {
  saveState<PanelState>({ follow: follow.checked });
  void request('setFollow', { follow: follow.checked });
});
const saved = getState<PanelState>();
follow.checked = saved.follow === true;
title.parentElement?.appendChild(follow);
replace(
  app,
  el('p', { class: 'hint', id: 'empty' }, 'Open a page from a trace (CodeLens “Page timeline”, “HMM Trace: Show Page Timeline at Cursor”, or the Pages table).'),
);

on('failed', ({ message }) => replace(app, el('div', { class: 'failure', role: 'alert' }, icon('error'), ' ', message)));
function showPages(p: EventMap['showPages']): void {
  saveState<PanelState>({ trace: p.trace, traceName: p.traceName, as: p.as, vpns: p.vpns, follow: p.follow });
  follow.checked = p.follow;
  title.textContent = `Page timeline: ${p.traceName}`;
  document.getElementById('empty')?.remove();
  if (!view.root.isConnected) app.appendChild(view.root);
  void view.show(p.as, p.vpns, undefined, p.eventId);
}
on('showPages', showPages);
// the pages may have been sent before this script listened: ask once
void request('panelPages', {})
  .then((p) => {
    if (p && !view.current) showPages(p);
  })
  .catch(() => undefined);
onThemeChange(() => {
  theme = readTheme();
  applyDefaults(theme);
  view.setTheme(theme);
});
