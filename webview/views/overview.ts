/**
 * Overview tab: what was recognised (format, kernel, events, lines that did not parse, lost events) and
 * what the trace did (address spaces, pages, migrations, invalidations by mmu_notifier_event, findings
 * by severity), then the event rate over time stacked by kind (drag to brush a window that filters the
 * other views, Ctrl+wheel to zoom, Shift+drag to pan) and the findings on the same time axis.
 */

import type { AnalysisSummary } from '../../src/core/api';
import type { LegendItem } from 'chart.js';
import type { DomainKind, LodAggregate } from '../../src/core/model/types';
import { LIMITS, type FindingPoint } from '../../src/protocol';
import { Chart, xZoomOptions } from '../lib/charts';
import { summaryCards } from './cards';
import { dataTable, el, icon, replace } from '../lib/dom';
import { FAMILY_WORDS, clampWindow, familyOf, formatCount, formatDuration, formatTs, type KindFamily } from '../lib/format';
import { request } from '../lib/rpc';
import { current, subscribe, update } from '../lib/store';
import { withAlpha, type ChartTheme } from '../lib/theme';

type XY = { x: number; y: number };

export class Overview {
  readonly root: HTMLElement;
  private rate: Chart<'bar', XY[]> | undefined;
  private findingsChart: Chart<'scatter', { x: number; y: string; key: string }[]> | undefined;
  private readonly rateTable = el('div', { class: 'table-alt' });
  private readonly findingsTable = el('div', { class: 'table-alt' });
  private readonly markersBox = el('div', { class: 'table-alt markers' });
  private readonly markersSummary = el('summary', {}, 'Markers');
  private readonly windowLabel = el('span', { class: 'window-label', role: 'status' });
  private readonly rateCanvas = el('canvas', { role: 'img', 'aria-label': 'Events per time bucket, stacked by kind' });
  private readonly findingsCanvas = el('canvas', { role: 'img', 'aria-label': 'Findings on the time axis by severity' });
  private readonly rateBox = el('div', {
    class: 'chart-box rate-box',
    tabindex: 0,
    role: 'group',
    'aria-label': 'Event rate chart. + and − zoom the time window, ← and → move it, 0 shows the whole trace.',
  });
  private requestSeq = 0;
  private findingsSeq = 0;
  private points: FindingPoint[] = [];
  private titles: string[] = [];
  private pointsReduced = false;

  constructor(
    private readonly summary: AnalysisSummary,
    private theme: ChartTheme,
  ) {
    const reset = el('button', { class: 'icon-button', type: 'button', title: 'Show the whole trace', 'aria-label': 'Show the whole trace' }, icon('discard'), ' Reset window');
    reset.addEventListener('click', () => this.resetWindow());
    this.root = el(
      'div',
      { class: 'overview' },
      summaryCards(summary),
      el(
        'section',
        { class: 'chart-section', 'aria-label': 'Event rate' },
        el('div', { class: 'section-head' }, el('h2', {}, 'Event rate by kind'), this.windowLabel, reset),
        el('p', { class: 'hint' }, 'Drag across the chart to select a time window (it filters findings and timelines); Ctrl+wheel zooms, Shift+drag pans; with the keyboard: + − ← → and 0.'),
        this.rateBox,
        el('details', {}, el('summary', {}, 'Event rate as a table'), this.rateTable),
      ),
      el(
        'section',
        { class: 'chart-section', 'aria-label': 'Findings timeline' },
        el('div', { class: 'section-head' }, el('h2', {}, 'Findings over time')),
        el('div', { class: 'chart-box findings-box' }, this.findingsCanvas),
        el('details', {}, el('summary', {}, 'Findings timeline as a table'), this.findingsTable),
      ),
      el('details', { class: 'markers-section' }, this.markersSummary, this.markersBox),
      this.diagnostics(),
    );
    this.rateBox.appendChild(this.rateCanvas);
    this.rateBox.addEventListener('keydown', (e) => this.onRateKey(e));
    subscribe((s, changed) => {
      if (changed.has('window')) {
        this.showWindowLabel();
        this.applyFindingsWindow();
        // (the chart exists once the tab was shown; until then start() loads the points)
        if (this.findingsChart) void this.loadFindingPoints();
        void this.loadMarkers();
      }
      void s;
    });
    this.showWindowLabel();
  }

  /** Called once the tab is visible (canvas has a size). */
  async start(): Promise<void> {
    this.buildRate();
    const w = current().window;
    await this.loadRate(w?.fromTs ?? this.summary.firstTs, w?.toTs ?? this.summary.lastTs);
    await this.loadFindingPoints();
    await this.loadMarkers();
  }

  /** The findings chart's points for the shown window: one per finding, or per pixel column and severity when crowded. */
  private async loadFindingPoints(): Promise<void> {
    const seq = ++this.findingsSeq;
    const w = current().window ?? { fromTs: this.summary.firstTs, toTs: Math.max(this.summary.lastTs, this.summary.firstTs + 1) };
    const width = Math.max(200, Math.round(this.findingsCanvas.getBoundingClientRect().width) || 1000);
    const r = await request('findingsOverview', { window: w, width });
    if (seq !== this.findingsSeq) return;
    this.points = r.points;
    this.pointsReduced = r.reduced;
    this.titles = r.titles;
    this.findingsChart?.destroy();
    this.findingsChart = undefined;
    this.buildFindings();
  }

  /** Latency and size of the requests this view made (what the extension measured), on demand. */
  private diagnostics(): HTMLElement {
    const box = el('div', { class: 'table-alt view-metrics' });
    const refresh = el('button', { type: 'button', class: 'icon-button', 'aria-label': 'Refresh view diagnostics' }, icon('refresh'), ' Refresh');
    const show = async () => {
      const m = await request('metrics', {});
      const per = new Map<string, { n: number; maxMs: number; maxBytes: number; ms: number[] }>();
      for (const x of m) {
        const e = per.get(x.method) ?? { n: 0, maxMs: 0, maxBytes: 0, ms: [] };
        e.n++;
        e.maxMs = Math.max(e.maxMs, x.ms);
        e.maxBytes = Math.max(e.maxBytes, x.bytes);
        e.ms.push(x.ms);
        per.set(x.method, e);
      }
      const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
      replace(
        box,
        dataTable(
          `Requests answered by the extension (last ${m.length})`,
          ['request', 'count', 'median ms', 'max ms', 'largest message (bytes)'],
          [...per].map(([k, e]) => [k, e.n, median(e.ms).toFixed(1), e.maxMs.toFixed(1), formatCount(e.maxBytes)]),
        ),
      );
    };
    refresh.addEventListener('click', () => void show());
    const details = el('details', { class: 'diagnostics' }, el('summary', {}, 'View diagnostics: request latency and message sizes'), refresh, box);
    details.addEventListener('toggle', () => {
      if ((details as HTMLDetailsElement).open) void show();
    });
    return details;
  }

  /** The test program's own annotations (trace_marker writes), shown as text, each one a link to its line. */
  private async loadMarkers(): Promise<void> {
    const { total, markers } = await request('markers', { window: current().window });
    this.markersSummary.textContent = `Markers written to trace_marker (${total}${markers.length < total ? `, first ${markers.length} shown` : ''})`;
    const rows = markers.map((m) => {
      const line = el('button', { type: 'button', class: 'link', 'data-line': m.line, title: `Reveal line ${m.line}` }, String(m.line));
      line.addEventListener('click', () => void request('revealLine', { line: m.line }));
      return el('tr', {}, el('td', {}, formatTs(m.ts)), el('td', {}, String(m.pid)), el('td', { class: 'marker-text' }, m.text), el('td', {}, line));
    });
    replace(
      this.markersBox,
      el('table', { class: 'data-table' }, el('thead', {}, el('tr', {}, ...['time', 'pid', 'text', 'line'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...rows)),
    );
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    const w = this.rate ? { min: this.rate.scales.x.min, max: this.rate.scales.x.max } : undefined;
    this.rate?.destroy();
    this.findingsChart?.destroy();
    this.rate = undefined;
    this.findingsChart = undefined;
    this.buildRate();
    if (w) void this.loadRate(w.min, w.max);
    this.buildFindings();
  }

  private showWindowLabel(): void {
    const w = current().window;
    this.windowLabel.textContent = w ? `Window ${formatTs(w.fromTs)} → ${formatTs(w.toTs)} (${formatDuration(w.toTs - w.fromTs)})` : 'Whole trace';
  }

  private resetWindow(): void {
    // not chart.resetZoom(): the plugin would restore the scale it saw first and report it as a new zoom
    update({ window: undefined });
    void this.loadRate(this.summary.firstTs, this.summary.lastTs);
  }

  private buildRate(): void {
    const first = this.summary.firstTs;
    const last = Math.max(this.summary.lastTs, first + 1);
    this.rate = new Chart(this.rateCanvas, {
      type: 'bar',
      data: { datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        scales: {
          x: { type: 'linear', stacked: true, offset: false, min: first, max: last, ticks: { callback: (v) => formatTs(Number(v)).slice(0, 14), maxRotation: 0, autoSkipPadding: 16 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'events' } },
        },
        plugins: {
          // one legend entry per family (a trace has ~40 kinds; a legend that size would eat the plot):
          // the bars stay stacked by kind, the tooltip and the table name each kind
          legend: {
            position: 'bottom',
            labels: {
              boxWidth: 10,
              generateLabels: (chart) => this.familyLegend(chart),
            },
            onClick: (_e, item, legend) => this.toggleFamily(legend.chart, item.text),
          },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? `at ${formatTs(items[0].parsed.x ?? 0)}` : ''),
              label: (item) => `${item.dataset.label}: ${formatCount(item.parsed.y ?? 0)}`,
            },
          },
          zoom: xZoomOptions((chart) => this.onZoom(chart), { min: first, max: last }),
        },
      },
    });
  }

  private familyLegend(chart: Chart): LegendItem[] {
    const seen = new Map<KindFamily, boolean>();
    chart.data.datasets.forEach((d, i) => {
      const fam = familyOf(d.label as DomainKind);
      seen.set(fam, (seen.get(fam) ?? false) || chart.isDatasetVisible(i));
    });
    return [...seen].map(([fam, visible]) => ({
      text: FAMILY_WORDS[fam],
      fillStyle: this.theme.family[fam],
      strokeStyle: this.theme.family[fam],
      fontColor: this.theme.foreground,
      hidden: !visible,
      lineWidth: 0,
    }));
  }

  private toggleFamily(chart: Chart, words: string): void {
    const fam = (Object.keys(FAMILY_WORDS) as KindFamily[]).find((f) => FAMILY_WORDS[f] === words);
    if (!fam) return;
    const idx = chart.data.datasets.map((d, i) => (familyOf(d.label as DomainKind) === fam ? i : -1)).filter((i) => i >= 0);
    const show = idx.every((i) => !chart.isDatasetVisible(i));
    for (const i of idx) chart.setDatasetVisibility(i, show);
    chart.update('none');
  }

  /** Keyboard brushing: the same window the drag selects, without a mouse. */
  private onRateKey(e: KeyboardEvent): void {
    const first = this.summary.firstTs;
    const last = Math.max(this.summary.lastTs, first + 1);
    const w = current().window ?? { fromTs: first, toTs: last };
    const span = w.toTs - w.fromTs;
    const mid = w.fromTs + span / 2;
    let next: [number, number] | undefined;
    if (e.key === '+' || e.key === '=') next = [mid - span / 4, mid + span / 4];
    else if (e.key === '-') next = [mid - span, mid + span];
    else if (e.key === 'ArrowLeft') next = [w.fromTs - span / 5, w.toTs - span / 5];
    else if (e.key === 'ArrowRight') next = [w.fromTs + span / 5, w.toTs + span / 5];
    else if (e.key === '0' || e.key === 'Escape') {
      this.resetWindow();
      e.preventDefault();
      return;
    } else return;
    e.preventDefault();
    const [from, to] = clampWindow(Math.round(next[0]), Math.round(next[1]), first, last);
    if (from <= first && to >= last) return this.resetWindow();
    update({ window: { fromTs: from, toTs: to } });
    void this.loadRate(from, to);
  }

  private onZoom(chart: Chart): void {
    const from = Math.round(chart.scales.x.min);
    const to = Math.round(chart.scales.x.max);
    update({ window: { fromTs: from, toTs: to } });
    void this.loadRate(from, to);
  }

  private async loadRate(from: number, to: number): Promise<void> {
    const seq = ++this.requestSeq;
    const width = this.rateCanvas.clientWidth || 600;
    const buckets = Math.max(10, Math.min(LIMITS.maxBuckets, Math.floor(width / 4)));
    const agg = await request('aggregate', { fromTs: from, toTs: to, buckets });
    if (seq !== this.requestSeq || !this.rate) return;
    this.showRate(agg);
  }

  private showRate(agg: LodAggregate): void {
    const chart = this.rate;
    if (!chart) return;
    const seen = new Map<string, number>();
    chart.data.datasets = agg.kinds.map((kind, k) => {
      const fam = familyOf(kind);
      const n = seen.get(fam) ?? 0;
      seen.set(fam, n + 1);
      // kinds of one family share its hue, told apart by shade (high contrast: full colour, outlined)
      const color = this.theme.highContrast ? this.theme.family[fam] : withAlpha(this.theme.family[fam], Math.max(0.35, 1 - n * 0.2));
      return {
        label: kind,
        data: agg.counts[k].map((y, b) => ({ x: agg.fromTs + (b + 0.5) * agg.bucketNs, y })),
        backgroundColor: color,
        borderColor: this.theme.background,
        borderWidth: this.theme.highContrast ? 1 : 0,
        barPercentage: 1,
        categoryPercentage: 1,
      };
    });
    chart.options.scales!.x!.min = agg.fromTs;
    chart.options.scales!.x!.max = agg.toTs;
    chart.update('none');
    const perKind = agg.kinds.map((kind, k) => [kind, agg.counts[k].reduce((a, b) => a + b, 0)] as [string, number]);
    replace(
      this.rateTable,
      dataTable(
        `Events by kind from ${formatTs(agg.fromTs)} to ${formatTs(agg.toTs)} (${agg.counts[0]?.length ?? 0} buckets of ${formatDuration(agg.bucketNs)})`,
        ['kind', 'events'],
        perKind.sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, formatCount(v)]),
      ),
    );
  }

  private buildFindings(): void {
    const colors = { error: this.theme.family.invalidation, warning: this.theme.family.wait, info: this.theme.family.migration };
    const first = this.summary.firstTs;
    const last = Math.max(this.summary.lastTs, first + 1);
    const datasets = (['error', 'warning', 'info'] as const).map((s) => ({
      label: s,
      data: this.points.filter((f) => f.severity === s).map((f) => ({ x: f.fromTs, y: s, key: f.key })),
      backgroundColor: colors[s],
      borderColor: colors[s],
      pointRadius: 5,
      pointHoverRadius: 7,
      pointStyle: s === 'error' ? ('triangle' as const) : s === 'warning' ? ('rectRot' as const) : ('circle' as const),
    }));
    this.findingsChart = new Chart(this.findingsCanvas, {
      type: 'scatter',
      data: { datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { type: 'linear', min: first, max: last, ticks: { callback: (v) => formatTs(Number(v)).slice(0, 14), maxRotation: 0 } },
          y: { type: 'category', labels: ['error', 'warning', 'info'], offset: true },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const f = this.points.find((x) => x.key === (item.raw as { key: string }).key);
                return f ? `${f.count > 1 ? `${f.count} findings here, the first: ` : ''}${f.rule}: ${this.titles[f.title] ?? ''}` : '';
              },
            },
          },
        },
        onClick: (_e, elements) => {
          const hit = elements[0];
          if (!hit) return;
          const raw = datasets[hit.datasetIndex]?.data[hit.index];
          if (raw) update({ tab: 'findings', focusFinding: raw.key });
        },
      },
    });
    this.applyFindingsWindow();
    replace(
      this.findingsTable,
      dataTable(
        this.pointsReduced ? 'Findings by time (several findings of one severity close in time are one row; the count says how many)' : 'Findings by time',
        this.pointsReduced ? ['time', 'severity', 'rule', 'title', 'findings'] : ['time', 'severity', 'rule', 'title'],
        [...this.points]
          .sort((a, b) => a.fromTs - b.fromTs)
          .map((f) => [formatTs(f.fromTs), f.severity, f.rule, this.titles[f.title] ?? '', ...(this.pointsReduced ? [f.count] : [])]),
      ),
    );
  }

  private applyFindingsWindow(): void {
    const c = this.findingsChart;
    if (!c) return;
    const w = current().window;
    c.options.scales!.x!.min = w?.fromTs ?? this.summary.firstTs;
    c.options.scales!.x!.max = w?.toTs ?? Math.max(this.summary.lastTs, this.summary.firstTs + 1);
    c.update('none');
  }

  destroy(): void {
    this.rate?.destroy();
    this.findingsChart?.destroy();
  }
}
