/**
 * The chart.js configuration of a page timeline: one row per page, floating bars for the state intervals
 * (one dataset per state, named in words for the legend), points per event family (invalidations,
 * faults, migration steps, exclusive, THP splits, waits, markers), and a plugin that paints migration
 * windows and invalidation spans as translucent bands behind them and rings the selected event.
 */

import type { ChartConfiguration, Plugin } from 'chart.js';
import type { PageState } from '../../src/core/model/types';
import type { Band, EventPoint, TimelineResult } from '../../src/protocol';
import { Chart, xZoomOptions } from '../lib/charts';
import { FAMILY_WORDS, STATES, STATE_WORDS, familyOf, formatDuration, formatTs, type KindFamily } from '../lib/format';
import type { ChartTheme } from '../lib/theme';

export interface BarDatum {
  x: [number, number];
  y: string;
  state: PageState;
  line: number;
  eventId: number;
}

export interface PointDatum {
  x: number;
  y: string;
  p: EventPoint;
  row: number;
}

const POINT_STYLE: Record<KindFamily, 'triangle' | 'rectRot' | 'circle' | 'star' | 'crossRot' | 'rect' | 'line' | 'cross'> = {
  invalidation: 'triangle',
  fault: 'rectRot',
  migration: 'circle',
  exclusive: 'star',
  thp: 'crossRot',
  wait: 'rect',
  marker: 'line',
  other: 'cross',
};

const STROKE_ONLY = new Set(['line', 'cross', 'crossRot']);

export interface TimelineChartModel {
  labels: string[];
  bands: Band[][];
  /** Every event point per row, sorted by time (keyboard navigation walks these). */
  rowPoints: PointDatum[][];
  selected?: PointDatum;
  lastTs: number;
}

export function rowLabel(page: string): string {
  return page;
}

/** Builds the datasets for a timeline answer. */
export function buildDatasets(result: TimelineResult, theme: ChartTheme, lastTs: number): { datasets: ChartConfiguration['data']['datasets']; model: TimelineChartModel } {
  const labels = result.rows.map((r) => rowLabel(r.page));
  const bars = new Map<PageState, BarDatum[]>();
  const points = new Map<KindFamily, PointDatum[]>();
  const rowPoints: PointDatum[][] = [];
  result.rows.forEach((r, i) => {
    for (const iv of r.intervals) {
      const list = bars.get(iv.state) ?? [];
      list.push({ x: [iv.fromTs, iv.toTs ?? Math.max(lastTs, iv.fromTs)], y: labels[i], state: iv.state, line: iv.line, eventId: iv.eventId });
      bars.set(iv.state, list);
    }
    const mine: PointDatum[] = [];
    for (const p of r.points) {
      const d: PointDatum = { x: p.ts, y: labels[i], p, row: i };
      const fam = familyOf(p.kind);
      const list = points.get(fam) ?? [];
      list.push(d);
      points.set(fam, list);
      mine.push(d);
    }
    mine.sort((a, b) => a.x - b.x);
    rowPoints.push(mine);
  });
  const datasets: ChartConfiguration['data']['datasets'] = [];
  for (const s of STATES) {
    const data = bars.get(s);
    if (!data) continue;
    datasets.push({
      type: 'bar',
      label: STATE_WORDS[s],
      data: data as unknown as number[],
      backgroundColor: theme.state[s],
      borderColor: theme.highContrast ? theme.foreground : theme.state[s],
      borderWidth: theme.highContrast ? 1 : 0,
      grouped: false,
      barPercentage: 0.55,
      categoryPercentage: 1,
      order: 2,
    } as ChartConfiguration['data']['datasets'][number]);
  }
  for (const [fam, data] of points) {
    datasets.push({
      type: 'scatter',
      label: FAMILY_WORDS[fam],
      data: data as unknown as number[],
      backgroundColor: theme.family[fam],
      // filled symbols get a halo in the editor background so they stay visible on a state bar of the same
      // hue (migration steps are blue like device-private); stroke-only symbols are drawn in their colour
      borderColor: STROKE_ONLY.has(POINT_STYLE[fam]) ? theme.family[fam] : theme.highContrast ? theme.foreground : theme.background,
      pointStyle: POINT_STYLE[fam],
      pointRadius: 5,
      pointHoverRadius: 8,
      borderWidth: STROKE_ONLY.has(POINT_STYLE[fam]) ? 2 : 1.5,
      order: 1,
    } as ChartConfiguration['data']['datasets'][number]);
  }
  return { datasets, model: { labels, bands: result.rows.map((r) => r.bands), rowPoints, lastTs } };
}

/** Migration/invalidation strips around the state bars; a ring around the selected event in front. */
export function bandsPlugin(getModel: () => TimelineChartModel | undefined, getTheme: () => ChartTheme): Plugin {
  return {
    id: 'hmmBands',
    beforeDatasetsDraw(chart) {
      const m = getModel();
      if (!m) return;
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      const y = chart.scales.y;
      const theme = getTheme();
      const rowH = m.labels.length > 0 ? (chartArea.bottom - chartArea.top) / m.labels.length : 0;
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
      ctx.clip();
      m.bands.forEach((bands, i) => {
        const yc = y.getPixelForValue(i);
        for (const b of bands) {
          const x0 = x.getPixelForValue(b.fromTs);
          const x1 = Math.max(x0 + 2, x.getPixelForValue(b.toTs));
          // the state bar fills the middle 55% of the row: migration windows are drawn in the strip above
          // it, invalidation spans in the strip below, so both stay visible over any state colour
          const strip = rowH * 0.2;
          const top = b.kind === 'migration' ? yc - rowH * 0.275 - strip : yc + rowH * 0.275;
          ctx.fillStyle = b.kind === 'migration' ? theme.migrationBand : theme.invalidationBand;
          ctx.fillRect(x0, top, x1 - x0, strip);
        }
      });
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const sel = getModel()?.selected;
      if (!sel) return;
      const px = chart.scales.x.getPixelForValue(sel.x);
      const py = chart.scales.y.getPixelForValue(sel.row);
      const { ctx, chartArea } = chart;
      if (px < chartArea.left || px > chartArea.right) return;
      ctx.save();
      ctx.strokeStyle = getTheme().selection;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(px, py, 9, 0, Math.PI * 2);
      ctx.stroke();
      ctx.restore();
    },
  };
}

export function tooltipLines(raw: unknown): string[] {
  const r = raw as Partial<PointDatum & BarDatum>;
  if (r.p) {
    const p = r.p;
    return [
      p.count > 1 ? `${p.count} × ${p.kind}` : p.kind,
      p.summary,
      `${formatTs(p.ts)}  ${p.comm}-${p.pid}`,
      `line ${p.line} (click or Enter to reveal)`,
    ];
  }
  if (r.state && Array.isArray(r.x)) {
    return [
      STATE_WORDS[r.state],
      `${formatTs(r.x[0])} → ${formatTs(r.x[1])} (${formatDuration(r.x[1] - r.x[0])})`,
      `opened by line ${r.line}`,
    ];
  }
  return [];
}

export function timelineConfig(
  labels: string[],
  datasets: ChartConfiguration['data']['datasets'],
  window: { min: number; max: number },
  limits: { min: number; max: number },
  plugin: Plugin,
  onZoom: (chart: Chart) => void,
): ChartConfiguration {
  return {
    type: 'bar',
    data: { labels, datasets },
    plugins: [plugin],
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: window.min, max: window.max, ticks: { callback: (v) => formatTs(Number(v)).slice(0, 15), maxRotation: 0, autoSkipPadding: 20 } },
        y: { type: 'category', labels, offset: true, grid: { display: false } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 10, usePointStyle: true } },
        tooltip: { callbacks: { title: () => '', label: (item) => tooltipLines(item.raw) } },
        zoom: xZoomOptions(onZoom, limits),
      },
    },
  } as ChartConfiguration;
}
