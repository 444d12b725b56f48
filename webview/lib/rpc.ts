/**
 * The webview side of src/protocol.ts: typed requests with ids and a timeout, events from the extension,
 * and the webview's persisted state (getState/setState survives hiding the tab and reloads).
 */

import { isToWebview, type EventMap, type EventName, type Method, type ParamsOf, type ResultOf, type ToWebview } from '../../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
let nextId = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }>();
const listeners = new Map<EventName, Set<(payload: never) => void>>();

/** Analysis of a large trace can still be running when the first request goes out: wait generously. */
const TIMEOUT_MS = 10 * 60 * 1000;

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m: unknown = e.data;
  if (!isToWebview(m)) return;
  dispatch(m);
});

function dispatch(m: ToWebview): void {
  if (m.kind === 'response') {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(m.error));
    return;
  }
  for (const fn of listeners.get(m.name) ?? []) (fn as (p: unknown) => void)(m.payload);
}

export function request<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
  const id = nextId++;
  return new Promise<ResultOf<M>>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`${method}: no answer from the extension`));
    }, TIMEOUT_MS);
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
    api.postMessage({ kind: 'request', id, method, params });
  });
}

export function on<E extends EventName>(name: E, fn: (payload: EventMap[E]) => void): void {
  const set = listeners.get(name) ?? new Set();
  set.add(fn as (payload: never) => void);
  listeners.set(name, set);
}

export function getState<T extends object>(): Partial<T> {
  const s = api.getState();
  return typeof s === 'object' && s !== null ? (s as Partial<T>) : {};
}

/** Merges into the saved state. */
export function saveState<T extends object>(patch: Partial<T>): void {
  api.setState({ ...getState<T>(), ...patch });
}
