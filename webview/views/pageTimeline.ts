/**
 * The page timeline view: chart of one page or a contiguous range of pages, the state sequence in words,
 * the selected event decoded (fields, stack, state before/after), and a table alternative. Used in the
 * Pages tab and in the page-timeline panel.
 *
 * Interaction: click an event → the trace editor selects and reveals its line; keyboard on the chart:
 * ←/→ step through the row's events, ↑/↓ change row, Home/End first/last, Enter reveals the line,
 * +/− zoom, 0 resets. Zoom/pan re-asks the extension for that window at the chart's pixel width.
 */

import type { AddressSpace } from '../../src/core/model/types';
import type { TimelineResult, TimeWindow } from '../../src/protocol';
import { Chart } from '../lib/charts';
import { dataTable, el, icon, replace } from '../lib/dom';
import { STATE_WORDS, fieldPairs, formatDuration, formatTs } from '../lib/format';
import { request } from '../lib/rpc';
import type { ChartTheme } from '../lib/theme';
import { bandsPlugin, buildDatasets, timelineConfig, type PointDatum, type TimelineChartModel } from './timelineChart';

const TABLE_ROWS = 300;

export class PageTimelineView {
  readonly root: HTMLElement;
  private chart: Chart | undefined;
  private model: TimelineChartModel | undefined;
  private result: TimelineResult | undefined;
  private pages: { as: AddressSpace; vpns: number[] } | undefined;
  private lifetime: TimeWindow | undefined;
  private seq = 0;
  private zoomTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heading = el('h2', { class: 'timeline-title' }, 'Page timeline');
  private readonly status = el('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  private readonly sequenceLabel = el('span', { class: 'label' }, 'States: ');
  private readonly sequence = el('ol', { class: 'state-sequence', 'aria-label': 'State sequence' });
  private readonly canvas = el('canvas', { role: 'img', 'aria-label': 'Page states over time with events' });
  private readonly box = el('div', {
    class: 'chart-box timeline-box',
    tabindex: 0,
    role: 'group',
    'aria-roledescription': 'timeline',
    'aria-label': 'Page timeline. Arrow keys step through events, Enter reveals the line in the trace.',
  });
  private readonly details = el('div', { class: 'event-details', 'aria-live': 'polite' });
  private readonly tables = el('div', { class: 'table-alt' });

  constructor(
    private theme: ChartTheme,
    private readonly onSelectEvent: (id: number) => void = () => undefined,
  ) {
    this.box.appendChild(this.canvas);
    const reset = el('button', { class: 'icon-button', type: 'button', title: 'Show the pages’ whole lifetime', 'aria-label': 'Reset zoom' }, icon('zoom-out'), ' Reset zoom');
    reset.addEventListener('click', () => this.resetZoom());
    this.root = el(
      'section',
      { class: 'page-timeline', 'aria-label': 'Page timeline' },
      el('div', { class: 'section-head' }, this.heading, reset),
      this.status,
      el('div', { class: 'sequence-line' }, this.sequenceLabel, this.sequence),
      this.box,
      el('p', { class: 'hint' }, 'Strips: above a row = migrate_vma window (setup → finalize), below it = mmu_notifier invalidation span (range_start → range_end). Drag to zoom, Shift+drag to pan, arrows step through events, Enter reveals.'),
      this.details,
      el('details', {}, el('summary', {}, 'Timeline as a table'), this.tables),
    );
    this.box.addEventListener('keydown', (e) => this.onKey(e));
  }

  get current(): { as: AddressSpace; vpns: number[] } | undefined {
    return this.pages;
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    if (this.result) this.render(this.result, this.windowOf(this.result));
  }

  /** Shows pages; `window` limits the time axis (the brushed window), `eventId` pre-selects an event. */
  async show(as: AddressSpace, vpns: number[], window?: TimeWindow, eventId?: number): Promise<void> {
    this.pages = { as, vpns };
    this.lifetime = undefined;
    const first = `0x${(vpns[0] * 4096).toString(16)}`;
    this.heading.textContent = vpns.length === 1 ? `Page ${first} (address space ${String(as)})` : `${vpns.length} pages from ${first} (address space ${String(as)})`;
    const result = await this.load(window);
    if (!result) return;
    if (eventId !== undefined) {
      const hit = this.model?.rowPoints.flat().find((p) => p.p.id === eventId);
      if (hit) this.select(hit, false);
    }
  }

  private async load(window?: TimeWindow): Promise<TimelineResult | undefined> {
    const pages = this.pages;
    if (!pages) return undefined;
    const seq = ++this.seq;
    this.status.textContent = 'Loading…';
    const width = this.box.clientWidth || 600;
    let result: TimelineResult;
    try {
      result = await request('timeline', { as: pages.as, vpns: pages.vpns, window, width });
    } catch (err) {
      if (seq === this.seq) this.status.textContent = `Could not load the timeline: ${err instanceof Error ? err.message : String(err)}`;
      return undefined;
    }
    if (seq !== this.seq) return undefined;
    if (!window) this.lifetime = { fromTs: result.fromTs, toTs: result.toTs };
    this.result = result;
    this.render(result, { fromTs: result.fromTs, toTs: result.toTs });
    return result;
  }

  private windowOf(r: TimelineResult): TimeWindow {
    return this.chart ? { fromTs: this.chart.scales.x.min, toTs: this.chart.scales.x.max } : { fromTs: r.fromTs, toTs: r.toTs };
  }

  private render(result: TimelineResult, w: TimeWindow): void {
    const events = result.rows.reduce((n, r) => n + r.eventsInWindow, 0);
    const shown = result.rows.reduce((n, r) => n + r.points.length, 0);
    this.status.textContent =
      result.rows.length === 0
        ? 'No timeline: the model has no events for these pages.'
        : `${events} events in ${formatDuration(w.toTs - w.fromTs)}${this.lifetime ? '' : ' (the window brushed in the overview; Reset zoom shows the whole lifetime)'}${result.reduced ? ` (merged into ${shown} points at this zoom)` : ''}${result.missing.length ? `; ${result.missing.length} pages without events` : ''}.`;
    this.box.classList.toggle('rows-many', result.rows.length > 4);
    this.box.classList.toggle('rows-few', result.rows.length <= 1);
    const lastTs = Math.max(w.toTs, ...result.rows.flatMap((r) => r.intervals.map((i) => i.toTs ?? i.fromTs)));
    const { datasets, model } = buildDatasets(result, this.theme, lastTs);
    const prevSelected = this.model?.selected?.p.id;
    this.model = model;
    if (prevSelected !== undefined) model.selected = model.rowPoints.flat().find((p) => p.p.id === prevSelected);
    this.chart?.destroy();
    const limits = this.lifetime ? { min: this.lifetime.fromTs, max: this.lifetime.toTs } : { min: w.fromTs, max: w.toTs };
    const config = timelineConfig(model.labels, datasets, { min: w.fromTs, max: w.toTs }, limits, bandsPlugin(() => this.model, () => this.theme), (c) => this.onZoom(c));
    config.options = { ...config.options, onClick: (e, elements) => this.onClick(e.x ?? 0, e.y ?? 0, elements) };
    this.chart = new Chart(this.canvas, config);
    this.renderSequence(result);
    this.renderTables(result);
  }

  private renderSequence(result: TimelineResult): void {
    const row = result.rows[0];
    replace(this.sequence, ...(row ? row.intervals.map((i) => el('li', { 'data-state': i.state }, STATE_WORDS[i.state])) : []));
    this.sequence.setAttribute('data-page', row?.page ?? '');
    this.sequenceLabel.textContent = result.rows.length > 1 && row ? `States of ${row.page}: ` : 'States: ';
    this.sequence.setAttribute('aria-label', row ? `States of page ${row.page}` : 'States');
    this.sequence.setAttribute('data-states', row ? row.intervals.map((i) => i.state).join(',') : '');
  }

  private renderTables(result: TimelineResult): void {
    const tables: HTMLElement[] = [];
    for (const r of result.rows) {
      tables.push(dataTable(`States of page ${r.page}`, ['state', 'from', 'to', 'line'], r.intervals.map((i) => [STATE_WORDS[i.state], formatTs(i.fromTs), i.toTs === null ? 'end of trace' : formatTs(i.toTs), i.line])));
      const pts = r.points.slice(0, TABLE_ROWS);
      tables.push(dataTable(`Events of page ${r.page}${r.points.length > TABLE_ROWS ? ` (first ${TABLE_ROWS} of ${r.points.length})` : ''}`, ['time', 'kind', 'event', 'task', 'line'], pts.map((p) => [formatTs(p.ts), p.count > 1 ? `${p.count} × ${p.kind}` : p.kind, p.summary, `${p.comm}-${p.pid}`, p.line])));
    }
    replace(this.tables, ...tables);
  }

  private onZoom(chart: Chart): void {
    if (this.zoomTimer) clearTimeout(this.zoomTimer);
    // re-ask at the new window once the gesture settles, so the points match the new level of detail
    this.zoomTimer = setTimeout(() => void this.load({ fromTs: Math.floor(chart.scales.x.min), toTs: Math.ceil(chart.scales.x.max) }), 120);
  }

  private resetZoom(): void {
    void this.load(this.lifetime);
  }

  private onClick(x: number, y: number, elements: { datasetIndex: number; index: number }[]): void {
    const chart = this.chart;
    if (!chart) return;
    for (const hit of elements) {
      const raw = chart.data.datasets[hit.datasetIndex]?.data[hit.index] as unknown;
      if (raw && typeof raw === 'object' && 'p' in raw) {
        this.select(raw as PointDatum, true);
        return;
      }
    }
    // a band or bar: reveal the line that opened it
    const m = this.model;
    if (!m) return;
    const row = Math.round(chart.scales.y.getValueForPixel(y) ?? -1);
    const ts = chart.scales.x.getValueForPixel(x) ?? NaN;
    const band = m.bands[row]?.find((b) => ts >= b.fromTs && ts <= b.toTs);
    if (band) void request('revealLine', { line: band.line });
    else {
      const bar = elements[0] ? (chart.data.datasets[elements[0].datasetIndex]?.data[elements[0].index] as unknown as { line?: number }) : undefined;
      if (bar?.line) void request('revealLine', { line: bar.line });
    }
  }

  private select(p: PointDatum, reveal: boolean): void {
    if (!this.model) return;
    this.model.selected = p;
    this.chart?.update('none');
    // where the selected event is drawn, for assistive tech and the UI tests (which click it there)
    if (this.chart) {
      this.box.dataset.selectedLine = String(p.p.line);
      this.box.dataset.selectedX = String(Math.round(this.chart.scales.x.getPixelForValue(p.x)));
      this.box.dataset.selectedY = String(Math.round(this.chart.scales.y.getPixelForValue(p.row)));
    }
    this.box.setAttribute('aria-label', `Page timeline. Selected: ${p.p.kind} at ${formatTs(p.p.ts)}, line ${p.p.line}. Enter reveals it.`);
    this.onSelectEvent(p.p.id);
    if (reveal) void request('revealLine', { line: p.p.line });
    void this.showDetails(p);
  }

  private async showDetails(p: PointDatum): Promise<void> {
    const pages = this.pages;
    const vpn = this.result?.rows[p.row]?.vpn;
    const head = el('h3', {}, p.p.count > 1 ? `${p.p.count} × ${p.p.kind}` : p.p.kind);
    const revealBtn = el('button', { class: 'icon-button', type: 'button', 'data-line': p.p.line }, icon('go-to-file'), ` Reveal line ${p.p.line}`);
    revealBtn.addEventListener('click', () => void request('revealLine', { line: p.p.line }));
    replace(this.details, head, el('p', { class: 'event-summary' }, p.p.summary), revealBtn);
    const detail = await request('event', { id: p.p.id, as: pages?.as, vpn }).catch(() => null);
    if (!detail || this.model?.selected !== p) return;
    const e = detail.event;
    const rows: [string, string][] = [
      ['time', formatTs(e.ts)],
      ['task', `${e.comm}-${e.pid}${e.tgid !== undefined ? ` (tgid ${e.tgid})` : ''}`],
      ['cpu', String(e.cpu)],
      ['event', e.name],
      ['function', e.func ?? '–'],
      ['line', String(e.line)],
    ];
    if (detail.before && detail.after) rows.push(['page state', `${STATE_WORDS[detail.before]} → ${STATE_WORDS[detail.after]}`]);
    if (e.notifierEvent) rows.push(['mmu_notifier_event', e.notifierEvent]);
    if (e.owner) rows.push(['owner', e.owner]);
    if (e.ret !== undefined) rows.push(['returned', String(e.ret)]);
    const fields = fieldPairs(e.fields);
    append2(this.details, dataTable('Decoded event', ['', ''], rows), fields.length ? dataTable('Raw fields', ['field', 'value'], fields) : null);
    if (e.stack?.length) append2(this.details, el('pre', { class: 'stack', 'aria-label': 'Stack' }, e.stack.join('\n')));
  }

  private onKey(e: KeyboardEvent): void {
    const m = this.model;
    if (!m || m.rowPoints.length === 0) return;
    const cur = m.selected;
    const rowIdx = cur?.row ?? 0;
    const row = m.rowPoints[rowIdx] ?? [];
    const at = cur ? row.indexOf(cur) : -1;
    let next: PointDatum | undefined;
    switch (e.key) {
      case 'ArrowRight':
        next = row[Math.min(row.length - 1, at + 1)];
        break;
      case 'ArrowLeft':
        next = row[Math.max(0, at - 1)];
        break;
      case 'Home':
        next = row[0];
        break;
      case 'End':
        next = row[row.length - 1];
        break;
      case 'ArrowUp':
      case 'ArrowDown': {
        const r = Math.max(0, Math.min(m.rowPoints.length - 1, rowIdx + (e.key === 'ArrowUp' ? -1 : 1)));
        const ts = cur?.x ?? 0;
        next = m.rowPoints[r].reduce<PointDatum | undefined>((best, p) => (!best || Math.abs(p.x - ts) < Math.abs(best.x - ts) ? p : best), undefined);
        break;
      }
      case 'Enter':
        if (cur) void request('revealLine', { line: cur.p.line });
        e.preventDefault();
        return;
      case '+':
      case '=':
        this.chart?.zoom(1.5);
        if (this.chart) this.onZoom(this.chart);
        e.preventDefault();
        return;
      case '-':
        this.chart?.zoom(1 / 1.5);
        if (this.chart) this.onZoom(this.chart);
        e.preventDefault();
        return;
      case '0':
        this.resetZoom();
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next) this.select(next, false);
  }

  destroy(): void {
    this.chart?.destroy();
  }
}

function append2(node: HTMLElement, ...children: (HTMLElement | null)[]): void {
  for (const c of children) if (c) node.appendChild(c);
}
