/**
 * The analysis view's shared state: the brushed time window, the selected pages and the active tab.
 * Views subscribe to it; it is mirrored into the webview state (getState/setState) so a hidden tab or a
 * reload comes back where the user left it.
 */

import type { AddressSpace } from '../../src/core/model/types';
import type { PageQuery, TimeWindow } from '../../src/protocol';
import { getState, saveState } from './rpc';

export type Tab = 'overview' | 'pages' | 'findings';

export interface ViewState {
  tab: Tab;
  /** Brushed window from the event-rate chart; undefined = whole trace. */
  window?: TimeWindow;
  pageFilter: Omit<PageQuery, 'offset' | 'limit'>;
  /** Selected pages (rows of the page timeline). */
  selection?: { as: AddressSpace; vpns: number[] };
  selectedEvent?: number;
  pagesScrollTop?: number;
  focusFinding?: string;
}

type Listener = (s: ViewState, changed: ReadonlySet<keyof ViewState>) => void;

const saved = getState<ViewState>();
let state: ViewState = {
  tab: saved.tab ?? 'overview',
  window: saved.window,
  pageFilter: saved.pageFilter ?? {},
  selection: saved.selection,
  selectedEvent: saved.selectedEvent,
  pagesScrollTop: saved.pagesScrollTop,
  focusFinding: saved.focusFinding,
};
const listeners = new Set<Listener>();

export function current(): ViewState {
  return state;
}

export function update(patch: Partial<ViewState>): void {
  const changed = new Set<keyof ViewState>();
  for (const k of Object.keys(patch) as (keyof ViewState)[]) {
    if (JSON.stringify(patch[k]) !== JSON.stringify(state[k])) changed.add(k);
  }
  if (changed.size === 0) return;
  state = { ...state, ...patch };
  saveState<ViewState>(state);
  for (const l of listeners) l(state, changed);
}

export function subscribe(fn: Listener): void {
  listeners.add(fn);
}
