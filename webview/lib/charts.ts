/**
 * Chart.js set-up shared by the views: only the controllers/elements/scales used (keeps the bundle
 * small), the zoom plugin (wheel + drag zoom, pan), and theme-driven defaults. Canvas sizes come from
 * the stylesheet (the chart containers have CSS heights), so chart.js needs no inline styles.
 */

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import type { ChartTheme } from './theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, PointElement, ScatterController, Tooltip, Legend, zoomPlugin);

export { Chart };

export function applyDefaults(theme: ChartTheme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.font;
  Chart.defaults.font.size = 12;
  // VS Code users often run reduced-motion; redraws on pan/zoom must be immediate anyway
  Chart.defaults.animation = false;
}

/** Zoom/pan on the x axis only: wheel with Ctrl, drag to select a window, Shift+drag (or touch) to pan. */
export function xZoomOptions(onChange: (chart: Chart) => void, limits?: { min: number; max: number }) {
  return {
    limits: limits ? { x: { min: limits.min, max: limits.max, minRange: 1000 } } : undefined,
    zoom: {
      wheel: { enabled: true, modifierKey: 'ctrl' as const },
      drag: { enabled: true, threshold: 5 },
      pinch: { enabled: true },
      mode: 'x' as const,
      onZoomComplete: ({ chart }: { chart: Chart }) => onChange(chart),
    },
    pan: {
      enabled: true,
      mode: 'x' as const,
      modifierKey: 'shift' as const,
      onPanComplete: ({ chart }: { chart: Chart }) => onChange(chart),
    },
  };
}
