/**
 * The overview's summary cards: what was recognised and what the trace did, with the exact numbers in
 * `data-value` attributes (the displayed text is grouped by thousands) so tests can compare them with
 * `hmm-trace analyze --json`.
 */

import type { AnalysisSummary } from '../../src/core/api';
import { el } from '../lib/dom';
import { formatCount, formatDuration, formatTs } from '../lib/format';

function card(metric: string, title: string, value: string | number, ...detail: (string | HTMLElement)[]): HTMLElement {
  const raw = typeof value === 'number' ? String(value) : value;
  return el(
    'section',
    { class: 'card', 'aria-label': title, 'data-metric': metric },
    el('h3', {}, title),
    el('div', { class: 'card-value', 'data-value': raw }, typeof value === 'number' ? formatCount(value) : value),
    ...detail.map((d) => (typeof d === 'string' ? el('div', { class: 'card-detail' }, d) : d)),
  );
}

function detailNumbers(metric: string, pairs: [string, number][]): HTMLElement {
  return el(
    'dl',
    { class: 'card-numbers' },
    ...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-metric': `${metric}.${k}`, 'data-value': String(v) }, formatCount(v))]),
  );
}

export function summaryCards(s: AnalysisSummary): HTMLElement {
  const inv = Object.entries(s.invalidations).sort((a, b) => b[1] - a[1]);
  const invTotal = inv.reduce((n, [, v]) => n + v, 0);
  return el(
    'div',
    { class: 'cards', role: 'list' },
    card('format', 'Format', s.format, s.formatDetail),
    card('kernel', 'Kernel hints', s.kernelHints.length ? s.kernelHints.join(', ') : 'none found'),
    card('events', 'Events', s.events, detailNumbers('events', [['lines', s.lines], ['unparsed', s.unparsed], ['lost', s.lostEvents]])),
    card('span', 'Time span', formatDuration(s.lastTs - s.firstTs), `${formatTs(s.firstTs)} → ${formatTs(s.lastTs)}`),
    card('addressSpaces', 'Address spaces', s.addressSpaces),
    card('pages', 'Pages', s.pages),
    card(
      'migrations',
      'Migrations',
      s.migrations.count,
      detailNumbers('migrations', [['requested', s.migrations.requested], ['collected', s.migrations.collected], ['migrated', s.migrations.migrated]]),
    ),
    card('invalidations', 'Invalidations', invTotal, detailNumbers('invalidations', inv)),
    card('findings', 'Findings', s.findings.error + s.findings.warning + s.findings.info, detailNumbers('findings', [['error', s.findings.error], ['warning', s.findings.warning], ['info', s.findings.info]])),
  );
}
