/**
 * Checks the arguments of the webview-shaped queries (viewIndex.ts) as they arrive from another thread:
 * only known keys of the right type pass, numbers must be finite, anything else is a clear error.
 */

import type { AddressSpace, PageState } from '../../core/model/types';
import { STATES } from '../../core/model/kinds';
import type { PageColumn, PageQuery, ParamsOf, TimeWindow } from '../../protocol';

const COLUMNS: readonly PageColumn[] = ['as', 'page', 'states', 'final', 'events', 'findings'];

function finite(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what} must be a finite number`);
  return v;
}

function optionalFinite(v: unknown, what: string): number | undefined {
  return v === undefined ? undefined : finite(v, what);
}

export function windowOf(v: unknown): TimeWindow | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object') throw new Error('window must be { fromTs, toTs }');
  const w = v as Partial<TimeWindow>;
  return { fromTs: finite(w.fromTs, 'window.fromTs'), toTs: finite(w.toTs, 'window.toTs') };
}

export function pageQueryOf(v: unknown): PageQuery {
  if (typeof v !== 'object' || v === null) throw new Error('pages: the query must be an object');
  const q = v as Record<string, unknown>;
  const out: PageQuery = { offset: Math.max(0, Math.floor(finite(q.offset ?? 0, 'offset'))), limit: Math.max(0, Math.floor(finite(q.limit ?? 0, 'limit'))) };
  if (q.as !== undefined) {
    if (typeof q.as !== 'number' && typeof q.as !== 'string') throw new Error('as must be a number or a pointer string');
    out.as = q.as as AddressSpace;
  }
  out.start = optionalFinite(q.start, 'start');
  out.end = optionalFinite(q.end, 'end');
  if (out.start === undefined) delete out.start;
  if (out.end === undefined) delete out.end;
  if (q.state !== undefined) {
    if (typeof q.state !== 'string' || !(STATES as readonly string[]).includes(q.state)) throw new Error(`state must be one of ${STATES.join(', ')}`);
    out.state = q.state as PageState;
  }
  if (q.rule !== undefined) {
    if (typeof q.rule !== 'string') throw new Error('rule must be a string');
    out.rule = q.rule;
  }
  if (q.text !== undefined) {
    if (typeof q.text !== 'string') throw new Error('text must be a string');
    out.text = q.text.slice(0, 200);
  }
  if (q.sort !== undefined) {
    const s = q.sort as { column?: unknown; descending?: unknown } | null;
    if (typeof s !== 'object' || s === null || !COLUMNS.includes(s.column as PageColumn)) throw new Error(`sort.column must be one of ${COLUMNS.join(', ')}`);
    out.sort = { column: s.column as PageColumn, descending: s.descending === true };
  }
  return out;
}

export function findingsListQueryOf(v: unknown): ParamsOf<'findingsList'> {
  if (typeof v !== 'object' || v === null) throw new Error('findingsList: the query must be an object');
  const q = v as Record<string, unknown>;
  if (typeof q.rule !== 'string') throw new Error('rule must be a string');
  const out: ParamsOf<'findingsList'> = { rule: q.rule, offset: Math.max(0, Math.floor(finite(q.offset ?? 0, 'offset'))), limit: Math.max(0, Math.floor(finite(q.limit ?? 0, 'limit'))) };
  const w = windowOf(q.window);
  if (w) out.window = w;
  if (q.focusKey !== undefined) {
    if (typeof q.focusKey !== 'string') throw new Error('focusKey must be a string');
    out.focusKey = q.focusKey;
  }
  return out;
}
