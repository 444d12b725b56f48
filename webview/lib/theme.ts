/**
 * Chart colours from the VS Code theme. The canvas cannot use CSS variables, so the values are read from
 * the `--vscode-*` custom properties VS Code puts on the webview's <html>, and read again when the theme
 * changes (VS Code swaps the body class: vscode-light / vscode-dark / vscode-high-contrast[-light]).
 */

import type { PageState } from '../../src/core/model/types';
import type { KindFamily } from './format';

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  focus: string;
  font: string;
  highContrast: boolean;
  state: Record<PageState, string>;
  family: Record<KindFamily, string>;
  migrationBand: string;
  invalidationBand: string;
  selection: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** `#rrggbb` / `#rgb` / `rgb(...)` with an alpha, for translucent bands. */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(c);
  if (m) {
    const [r, g, b] = m[1].split('').map((h) => parseInt(h + h, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) {
    const n = parseInt(m[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(c);
  if (rgb) return `rgba(${rgb[1].trim()}, ${rgb[2].trim()}, ${rgb[3].trim()}, ${alpha})`;
  return c;
}

export function readTheme(): ChartTheme {
  const cls = document.body.classList;
  const highContrast = cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light');
  const fg = cssVar('--vscode-editor-foreground', '#cccccc');
  const red = cssVar('--vscode-charts-red', '#f14c4c');
  const blue = cssVar('--vscode-charts-blue', '#3794ff');
  const yellow = cssVar('--vscode-charts-yellow', '#cca700');
  const orange = cssVar('--vscode-charts-orange', '#d18616');
  const green = cssVar('--vscode-charts-green', '#89d185');
  const purple = cssVar('--vscode-charts-purple', '#b180d7');
  const muted = cssVar('--vscode-descriptionForeground', '#9d9d9d');
  const lines = cssVar('--vscode-charts-lines', withAlpha(fg, 0.3));
  return {
    foreground: cssVar('--vscode-charts-foreground', fg),
    muted,
    grid: withAlpha(lines, highContrast ? 0.6 : 0.25),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    focus: cssVar('--vscode-focusBorder', blue),
    font: cssVar('--vscode-font-family', 'sans-serif'),
    highContrast,
    state: {
      system: green,
      'migrating-to-device': yellow,
      'device-private': blue,
      'migrating-to-system': orange,
      'device-exclusive': purple,
      unmapped: muted,
      unknown: withAlpha(muted, 0.5),
    },
    family: {
      invalidation: red,
      fault: orange,
      migration: blue,
      exclusive: purple,
      thp: yellow,
      wait: cssVar('--vscode-editorWarning-foreground', yellow),
      marker: green,
      other: muted,
    },
    migrationBand: highContrast ? blue : withAlpha(blue, 0.7),
    invalidationBand: highContrast ? red : withAlpha(red, 0.7),
    selection: cssVar('--vscode-focusBorder', fg),
  };
}

/**
 * Calls `fn` when VS Code switches theme. VS Code rewrites the variables on <html> at other times too (on
 * focus, on zoom), so a change only counts when the colours the charts use actually differ; rebuilding a
 * chart in the middle of a drag would drop the user's gesture.
 */
export function onThemeChange(fn: () => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = JSON.stringify(readTheme());
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const now = JSON.stringify(readTheme());
      if (now === last) return;
      last = now;
      fn();
    }, 50);
  };
  new MutationObserver(fire).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  new MutationObserver(fire).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
