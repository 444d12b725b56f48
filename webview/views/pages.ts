/**
 * Pages tab: a virtualised grid of every page the model knows (address space, address, states passed
 * through, final state, events, findings), sortable by column and filterable by state, address range,
 * finding rule and text. Only the visible rows (plus a margin) exist in the DOM; they are fetched from
 * the extension in blocks, so a trace with a million pages costs the same as one with ten.
 *
 * Selecting a row shows its timeline below; Shift+click / Shift+↑↓ selects a contiguous range of pages
 * (one row each in the timeline); Enter opens the selection in the page-timeline panel.
 */

import type { PageState } from '../../src/core/model/types';
import { type PageColumn, type PageQuery, type PageRow } from '../../src/protocol';
import { el, icon, replace } from '../lib/dom';
import { STATES, STATE_WORDS, formatCount } from '../lib/format';
import { request } from '../lib/rpc';
import { parseRange } from '../lib/range';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { current, update } from '../lib/store';

/** VS Code Elements inputs (vscode-textfield, vscode-single-select) expose `value` like native ones. */
type ValueElement = HTMLElement & { value: string };

const ROW_H = 26;
const BLOCK = 100;
const COLUMNS: { id: PageColumn; title: string }[] = [
  { id: 'as', title: 'Addr. space' },
  { id: 'page', title: 'Page' },
  { id: 'states', title: 'States passed through' },
  { id: 'final', title: 'Final state' },
  { id: 'events', title: 'Events' },
  { id: 'findings', title: 'Findings' },
];

export class PagesView {
  readonly root: HTMLElement;
  private readonly viewport = el('div', { class: 'grid-viewport', role: 'grid', tabindex: 0, 'aria-label': 'Pages', 'aria-multiselectable': 'true' });
  private readonly spacer = el('div', { class: 'grid-spacer', role: 'presentation' });
  private readonly header = el('div', { class: 'grid-row grid-header', role: 'row', 'aria-rowindex': 1 });
  private readonly count = el('span', { class: 'count', role: 'status' });
  private readonly rangeInput = el('vscode-textfield', { class: 'input', placeholder: '0x7f…000-0x7f…fff', label: 'Address range', 'aria-label': 'Address range' }) as ValueElement;
  private readonly textInput = el('vscode-textfield', { class: 'input', type: 'search', placeholder: 'Filter text', label: 'Filter text', 'aria-label': 'Filter text' }) as ValueElement;
  private readonly stateSelect = el('vscode-single-select', { class: 'select', label: 'State', 'aria-label': 'State' }) as ValueElement;
  private readonly ruleSelect = el('vscode-single-select', { class: 'select', label: 'Finding rule', 'aria-label': 'Finding rule' }) as ValueElement;
  private total = 0;
  private blocks = new Map<number, PageRow[] | Promise<void>>();
  /** No rows are asked for before the first reload(): on a big trace the first answer builds the whole table
   * in the worker, and the Overview's requests go first. */
  private started = false;
  private generation = 0;
  private cursor = 0;
  private anchor = 0;
  private selected = new Set<number>();
  private renderQueued = false;

  constructor(
    rules: string[],
    private readonly onSelect: (rows: PageRow[]) => void,
  ) {
    const f = current().pageFilter;
    this.stateSelect.append(el('vscode-option', { value: '' }, 'any state'), ...STATES.map((s) => el('vscode-option', { value: s }, STATE_WORDS[s])));
    this.ruleSelect.append(el('vscode-option', { value: '' }, 'any finding'), ...rules.map((r) => el('vscode-option', { value: r }, r)));
    this.stateSelect.value = f.state ?? '';
    this.ruleSelect.value = f.rule ?? '';
    this.textInput.value = f.text ?? '';
    if (f.start !== undefined || f.end !== undefined) this.rangeInput.value = `${f.start !== undefined ? `0x${f.start.toString(16)}` : ''}-${f.end !== undefined ? `0x${f.end.toString(16)}` : ''}`;
    for (const input of [this.textInput, this.rangeInput]) input.addEventListener('input', () => this.filterChanged());
    for (const s of [this.stateSelect, this.ruleSelect]) s.addEventListener('change', () => this.filterChanged());
    this.renderHeader();
    this.viewport.append(this.header, this.spacer);
    this.viewport.addEventListener('scroll', () => this.queueRender());
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.queueRender()).observe(this.viewport);
    this.root = el(
      'div',
      { class: 'pages' },
      el(
        'div',
        { class: 'filters', role: 'search' },
        el('label', {}, 'State ', this.stateSelect),
        el('label', {}, 'Rule ', this.ruleSelect),
        el('label', {}, 'Range ', this.rangeInput),
        el('label', {}, 'Text ', this.textInput),
        this.count,
      ),
      this.viewport,
    );
  }

  private renderHeader(): void {
    const sort = current().pageFilter.sort ?? { column: 'as' as PageColumn, descending: false };
    replace(
      this.header,
      ...COLUMNS.map((c, i) => {
        const active = sort.column === c.id;
        const b = el(
          'button',
          { type: 'button', class: 'grid-sort', 'aria-label': `Sort by ${c.title}` },
          c.title,
          active ? icon(sort.descending ? 'arrow-down' : 'arrow-up') : null,
        );
        b.addEventListener('click', () => {
          const s = current().pageFilter.sort;
          const descending = s?.column === c.id ? !s.descending : false;
          update({ pageFilter: { ...current().pageFilter, sort: { column: c.id, descending } } });
          this.renderHeader();
          this.reload();
        });
        return el('div', { class: `grid-cell col-${c.id}`, role: 'columnheader', 'aria-colindex': i + 1, 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none' }, b);
      }),
    );
  }

  private filterChanged(): void {
    const range = parseRange(this.rangeInput.value);
    this.rangeInput.classList.toggle('invalid', range === undefined);
    this.rangeInput.setAttribute('aria-invalid', String(range === undefined));
    const next: Omit<PageQuery, 'offset' | 'limit'> = {
      sort: current().pageFilter.sort,
      state: (this.stateSelect.value || undefined) as PageState | undefined,
      rule: this.ruleSelect.value || undefined,
      text: this.textInput.value.trim() || undefined,
      start: range?.start,
      end: range?.end,
    };
    update({ pageFilter: next });
    this.reload();
  }

  /** Drops the cached blocks and fetches the visible ones for the current filter. */
  reload(): void {
    this.started = true;
    this.generation++;
    this.blocks = new Map();
    this.selected.clear();
    this.cursor = 0;
    this.anchor = 0;
    void this.fetchBlock(0).then(() => {
      const top = current().pagesScrollTop;
      if (top) this.viewport.scrollTop = top;
      this.queueRender();
    });
  }

  private fetchBlock(b: number): Promise<void> {
    const have = this.blocks.get(b);
    if (have) return have instanceof Promise ? have : Promise.resolve();
    const gen = this.generation;
    const p = request('pages', { ...current().pageFilter, offset: b * BLOCK, limit: BLOCK }).then((r) => {
      if (gen !== this.generation) return;
      this.total = r.total;
      this.blocks.set(b, r.rows);
      this.count.textContent = `${formatCount(r.total)} pages`;
      this.viewport.setAttribute('aria-rowcount', String(r.total + 1));
      this.spacer.style.height = `${r.total * ROW_H}px`;
      // a short list gets a short grid; long ones scroll inside at most the stylesheet's height
      this.viewport.classList.toggle('short', r.total < 11);
      if (r.total < 11) this.viewport.style.height = `${(r.total + 1) * ROW_H + 4}px`;
      else this.viewport.style.removeProperty('height');
      this.queueRender();
    });
    this.blocks.set(b, p);
    return p;
  }

  private rowAt(i: number): PageRow | undefined {
    const b = this.blocks.get(Math.floor(i / BLOCK));
    return Array.isArray(b) ? b[i % BLOCK] : undefined;
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.renderRows();
    });
  }

  private renderRows(): void {
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_H) - 5);
    const last = Math.min(this.total, Math.ceil((top + height) / ROW_H) + 5);
    if (this.started) for (let b = Math.floor(first / BLOCK); b <= Math.floor(Math.max(first, last - 1) / BLOCK); b++) if (!this.blocks.has(b)) void this.fetchBlock(b);
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const r = this.rowAt(i);
      const row = el('div', {
        class: `grid-row${this.selected.has(i) ? ' selected' : ''}${i === this.cursor ? ' cursor' : ''}`,
        role: 'row',
        'aria-rowindex': i + 2,
        'aria-selected': String(this.selected.has(i)),
        'data-index': i,
        'data-page': r?.page,
      });
      row.style.transform = `translateY(${i * ROW_H}px)`;
      if (r) {
        row.append(
          cell('as', String(r.as)),
          cell('page', r.page),
          cell('states', r.states.map((s) => STATE_WORDS[s]).join(' → ')),
          cell('final', STATE_WORDS[r.final]),
          cell('events', formatCount(r.events)),
          cell('findings', r.findings ? `${r.findings} (${r.rules.join(', ')})` : ''),
        );
        row.addEventListener('click', (e) => this.clickRow(i, e.shiftKey));
        row.addEventListener('dblclick', () => this.openInPanel());
      } else row.append(cell('as', '…'));
      rows.push(row);
    }
    replace(this.spacer, ...rows);
    if (this.cursor >= first && this.cursor < last) this.viewport.setAttribute('aria-activedescendant', '');
    update({ pagesScrollTop: top });
  }

  private clickRow(i: number, extend: boolean): void {
    this.viewport.focus();
    this.moveCursor(i, extend);
  }

  private moveCursor(i: number, extend: boolean): void {
    if (this.total === 0) return;
    this.cursor = Math.max(0, Math.min(this.total - 1, i));
    if (!extend) this.anchor = this.cursor;
    this.selected.clear();
    const [a, b] = [Math.min(this.anchor, this.cursor), Math.max(this.anchor, this.cursor)];
    for (let k = a; k <= b && k - a < 64; k++) this.selected.add(k);
    const y = (this.cursor + 1) * ROW_H;
    if (y < this.viewport.scrollTop + ROW_H) this.viewport.scrollTop = y - ROW_H;
    else if (y + ROW_H > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = y + ROW_H - this.viewport.clientHeight;
    this.queueRender();
    const rows = [...this.selected].map((k) => this.rowAt(k)).filter((r): r is PageRow => r !== undefined);
    // a range only makes a timeline when its pages share an address space and are contiguous
    const same = rows.filter((r) => String(r.as) === String(rows[0]?.as));
    if (same.length) this.onSelect(same);
  }

  private openInPanel(): void {
    const rows = [...this.selected].map((k) => this.rowAt(k)).filter((r): r is PageRow => r !== undefined);
    if (rows.length) void request('openPageTimeline', { as: rows[0].as, vpns: rows.filter((r) => String(r.as) === String(rows[0].as)).map((r) => r.vpn) });
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_H) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) this.moveCursor(this.cursor + moves[e.key], e.shiftKey);
    else if (e.key === 'Home') this.moveCursor(0, e.shiftKey);
    else if (e.key === 'End') this.moveCursor(this.total - 1, e.shiftKey);
    else if (e.key === 'Enter') this.openInPanel();
    else return;
    e.preventDefault();
  }
}

function cell(col: PageColumn, text: string): HTMLElement {
  return el('div', { class: `grid-cell col-${col}`, role: 'gridcell', title: text }, text);
}
