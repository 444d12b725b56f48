/**
 * Webview query latency (issue 7: "any query answers within 50 ms" on the 1 GiB trace). Runs the analysis the
 * way the extension does with the worker switched off (InProcessChannel: the worker's host code, every answer
 * structured-cloned as it would be across the thread boundary), then drives the webview's RequestHandler with
 * every request kind the views send: the first call of each kind, then N random ones (fixed seed) at random
 * windows, pixel widths, sorts and filters. Prints a table on stderr (first ms, worst ms, median ms, largest
 * message) and the time from "analysis finished" to "data ready" (editor data + what the view asks on load).
 *
 * `node dist/test/bench/bench.js --stage queries --file test/bench/.data/replay-268435456.trace`
 */

import { InProcessChannel } from '../../src/extension/analysis/channel';
import { analysisCore } from '../../src/extension/worker/coreBinding';
import { QUERY_METHODS, type AnalyzeResult, type QueryMethod } from '../../src/extension/worker/messages';
import type { AnalysisQueries } from '../../src/core/api';
import { RequestHandler } from '../../src/extension/webview/requestHandler';
import type { FindingsListResult, FindingsOverview, Method, PageColumn, PageRow, PagesResult, ParamsOf, TimelineResult } from '../../src/protocol';
import type { PageState } from '../../src/core/model/types';
import type { BenchStage } from './stages';
import { seededRandom } from '../unit/helpers';

const ROUNDS = Number(process.env.QUERY_ROUNDS ?? 40);

interface Stat {
  first: number;
  all: number[];
  maxBytes: number;
}

export const queriesStage: BenchStage = {
  name: 'queries',
  description: 'webview queries on the analysis (first / worst of N per kind on stderr)',
  async run(file) {
    const channel = new InProcessChannel(analysisCore);
    const t0 = performance.now();
    const analyzed = await channel.request<AnalyzeResult>({ type: 'analyze', file, options: { discoverProbes: false } }).result;
    const tAnalyzed = performance.now();
    const queries = {} as Record<QueryMethod, (...args: unknown[]) => Promise<unknown>>;
    for (const method of QUERY_METHODS) queries[method] = (...args: unknown[]) => channel.request({ type: 'query', key: analyzed.key, method, args }).result;
    // what the extension asks before it opens any view (decorations, diagnostics, trees)
    await channel.request({ type: 'editorData', key: analyzed.key }).result;
    const tEditor = performance.now();
    const handler = new RequestHandler({
      traceName: 'bench.trace',
      summary: analyzed.summary,
      queries: queries as unknown as AnalysisQueries,
      revealLine: async () => undefined,
      openPageTimeline: async () => undefined,
      listNotes: async () => [],
      upsertNote: async () => {
        throw new Error('no notes in the bench');
      },
      removeNote: async () => undefined,
      setFollow: () => undefined,
      createRecipe: async () => undefined,
    });
    const stats = new Map<string, Stat>();
    let answered = 0;
    const ask = async <M extends Method>(label: string, method: M, params: ParamsOf<M>): Promise<unknown> => {
      const started = performance.now();
      const r = await handler.handle({ kind: 'request', id: answered, method, params });
      const ms = performance.now() - started;
      answered++;
      if (!r || !r.ok) throw new Error(`${label}: ${r && !r.ok ? r.error : 'no response'}`);
      const bytes = handler.metrics[handler.metrics.length - 1].bytes;
      const s = stats.get(label);
      if (s) {
        s.all.push(ms);
        s.maxBytes = Math.max(s.maxBytes, bytes);
      } else stats.set(label, { first: ms, all: [ms], maxBytes: bytes });
      return r.result;
    };

    const { firstTs, lastTs } = analyzed.summary;
    const span = Math.max(1, lastTs - firstTs);
    // what the analysis editor asks when it opens (analysis.entry.ts, overview.ts, pages.ts, findings.ts)
    // (one after the other, so each first call is timed alone; the worker answers one at a time anyway)
    await ask('init', 'init', {});
    const fired = (await ask('findingsOverview', 'findingsOverview', { width: 1 })) as FindingsOverview;
    await ask('aggregate', 'aggregate', { fromTs: firstTs, toTs: lastTs, buckets: 600 });
    await ask('findingsOverview', 'findingsOverview', { window: { fromTs: firstTs, toTs: lastTs }, width: 1200 });
    await ask('markers', 'markers', { window: { fromTs: firstTs, toTs: lastTs } });
    for (const r of fired.rules) await ask('findingsList', 'findingsList', { rule: r.rule, offset: 0, limit: 50 });
    const tOverview = performance.now();
    // the view asks for the Pages table's first rows right after (the worker built the table before it announced the analysis)
    await ask('pages (first)', 'pages', { offset: 0, limit: 200 });
    const tReady = performance.now();
    process.stderr.write(
      `queries: ${analyzed.summary.events} events, ${analyzed.summary.pages} pages; analysis (with the Pages table) ${((tAnalyzed - t0) / 1000).toFixed(1)} s; ` +
        `after it: editor data ${(tEditor - tAnalyzed).toFixed(0)} ms, Overview and Findings data ready ${(tOverview - tAnalyzed).toFixed(0)} ms, Pages table ready ${(tReady - tAnalyzed).toFixed(0)} ms\n`,
    );

    const rand = seededRandom(0x5eed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const randomWindow = () => {
      // widths from the whole trace down to a few microseconds, log-uniform
      const w = Math.max(1000, span * Math.pow(10, -rand() * 7));
      const from = firstTs + rand() * Math.max(0, span - w);
      return { fromTs: from, toTs: from + w };
    };
    const columns: PageColumn[] = ['as', 'page', 'states', 'final', 'events', 'findings'];
    const states: PageState[] = ['system', 'device-private', 'migrating-to-device', 'migrating-to-system', 'device-exclusive', 'unmapped'];
    const first = (await ask('pages', 'pages', { offset: 0, limit: 200 })) as PagesResult;
    const sample: PageRow[] = [...first.rows];
    const total = first.total;
    const rules = fired.rules.map((r) => r.rule);
    // findings to focus on: the first slice of every rule
    const findings: { key: string }[] = [];
    for (const rule of rules) findings.push(...((await ask('findingsList', 'findingsList', { rule, offset: 0, limit: 50 })) as FindingsListResult).findings);
    for (let r = 0; r < ROUNDS; r++) {
      const win = randomWindow();
      await ask('aggregate', 'aggregate', { ...win, buckets: 50 + Math.floor(rand() * 1950) });
      await ask('aggregate whole', 'aggregate', { fromTs: firstTs, toTs: lastTs, buckets: 50 + Math.floor(rand() * 1950) });
      await ask('markers', 'markers', { window: randomWindow() });
      const fw = randomWindow();
      await ask('findingsOverview', 'findingsOverview', { window: fw, width: 200 + Math.floor(rand() * 3000) });
      if (rules.length > 0) {
        const focusKey = findings.length > 0 ? pick(findings).key : undefined;
        await ask('findingsList', 'findingsList', { rule: pick(rules), window: rand() < 0.5 ? fw : undefined, offset: Math.floor(rand() * 500), limit: 50, focusKey });
      }
      const sort = { column: pick(columns), descending: rand() < 0.5 };
      const offset = Math.floor(rand() * Math.max(1, total - 200));
      const got = (await ask('pages sort', 'pages', { sort, offset, limit: 200 })) as PagesResult;
      sample.push(...got.rows.slice(0, 4));
      const f = Math.floor(rand() * 5);
      const filter: Omit<ParamsOf<'pages'>, 'offset' | 'limit'> =
        f === 0 ? { state: pick(states) } : f === 1 ? { rule: pick(rules.length ? rules : ['none']) } : f === 2 ? { text: pick(sample).page.slice(2, 6) } : f === 3 ? { as: pick(sample).as } : { start: pick(sample).vpn * 4096, end: pick(sample).vpn * 4096 + (1 << 21) };
      await ask('pages filter', 'pages', { ...filter, sort: { column: pick(columns), descending: rand() < 0.5 }, offset: 0, limit: 200 });
      const row = pick(sample);
      const n = 1 + Math.floor(rand() * 63);
      const vpns = sample.filter((p) => String(p.as) === String(row.as)).slice(0, n).map((p) => p.vpn);
      const width = 200 + Math.floor(rand() * 3600);
      const t = (await ask('timeline', 'timeline', { as: row.as, vpns, width })) as TimelineResult;
      if (t.rows.length > 0) {
        const w = t.toTs - t.fromTs;
        const from = t.fromTs + rand() * w * 0.9;
        await ask('timeline zoom', 'timeline', { as: row.as, vpns, width, window: { fromTs: from, toTs: from + Math.max(1000, w * rand() * 0.1) } });
        const pts = t.rows.flatMap((x) => x.points);
        if (pts.length > 0) await ask('event', 'event', { id: pick(pts).id, as: row.as, vpn: row.vpn });
      }
      await ask('event', 'event', { id: Math.floor(rand() * analyzed.summary.events) });
    }
    process.stderr.write(`${'query'.padEnd(16)} ${'first ms'.padStart(9)} ${'worst ms'.padStart(9)} ${'median'.padStart(8)} ${'n'.padStart(5)} ${'max bytes'.padStart(10)}\n`);
    for (const [label, s] of stats) {
      const sorted = [...s.all].sort((a, b) => a - b);
      process.stderr.write(
        `${label.padEnd(16)} ${s.first.toFixed(1).padStart(9)} ${sorted[sorted.length - 1].toFixed(1).padStart(9)} ${sorted[sorted.length >> 1].toFixed(1).padStart(8)} ${String(sorted.length).padStart(5)} ${String(s.maxBytes).padStart(10)}\n`,
      );
    }
    channel.dispose();
    return answered;
  },
};

