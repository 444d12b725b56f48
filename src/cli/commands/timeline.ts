/**
 * `hmm-trace timeline FILE --page 0xADDR [--as N] [--json] [--probes FILE]...`: one page's state intervals
 * (each opened by the trace line that proves it) and every event that touched the page.
 */

import { parseArgs, flag, option, UsageError } from '../args';
import type { Command } from './command';
import { buildModel } from '../../core/model';
import { formatTs } from '../../core/ingest/types';
import { modelOptions, parseAs, printable, stateWords } from './pages';
import { heapWarning } from '../memory';

export const timeline: Command = {
  name: 'timeline',
  usage: 'timeline FILE --page 0xADDR [--as N] [--json] [--probes FILE]',
  summary: "one page's state intervals and the events that touched it",
  help: `
--page takes any address inside the page (hex with 0x). --as picks the address space (tgid/pid or mm pointer)
when several have that page; without it the only one, or the first, is used. --json prints one JSON object:
  { "as", "page", "intervals": [{ "state", "fromTs", "toTs", "line" }], "events": [{ "line", "ts", "kind", "summary" }] }
Timestamps are seconds with 9 decimals; toTs is null while the state lasts to the end of the trace.
`,
  async run(argv) {
    const args = parseArgs(argv, ['probes', 'as', 'page'], ['json']);
    if (args.positionals.length !== 1) throw new UsageError(`expected exactly one FILE (usage: ${this.usage})`);
    const pageText = option(args, 'page');
    if (pageText === undefined) throw new UsageError('--page 0xADDR is required');
    if (!/^0x[0-9a-f]{1,16}$/i.test(pageText)) throw new UsageError(`--page expects a hex address like 0x7facf60de000, got '${pageText}'`);
    const addr = BigInt(pageText);
    if (addr > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError(`--page ${pageText} is not a user-space address`);
    const vpn = Math.floor(Number(addr) / 4096);
    const file = args.positionals[0];
    const wantAs = parseAs(option(args, 'as'));
    const warning = heapWarning(file);
    if (warning) process.stderr.write(`${warning}\n`);
    const { model } = await buildModel(file, modelOptions(args));
    const candidates = model.pages().filter((p) => p.vpn === vpn && (wantAs === undefined || p.as === wantAs));
    if (candidates.length === 0) {
      process.stderr.write(`hmm-trace timeline: no page ${pageText}${wantAs !== undefined ? ` in address space ${wantAs}` : ''} in ${file} (try 'hmm-trace pages ${file}')\n`);
      return 2;
    }
    const tl = model.timeline(candidates[0].as, vpn)!;
    const json = {
      as: tl.as,
      page: tl.page,
      intervals: tl.intervals.map((i) => ({ state: i.state, fromTs: formatTs(i.fromTs), toTs: i.toTs === null ? null : formatTs(i.toTs), line: i.line })),
      events: tl.events.map((e) => ({ line: e.line, ts: formatTs(e.ts), kind: e.kind, summary: e.summary })),
    };
    if (flag(args, 'json')) {
      process.stdout.write(`${JSON.stringify(json)}\n`);
      return 0;
    }
    const out: string[] = [];
    out.push(`page ${tl.page} in address space ${tl.as}${candidates.length > 1 && wantAs === undefined ? ` (also in: ${candidates.slice(1).map((c) => c.as).join(', ')}; use --as)` : ''}`);
    out.push('');
    out.push('states');
    const wState = Math.max(5, ...json.intervals.map((i) => stateWords(i.state).length));
    for (const i of json.intervals) {
      out.push(`  ${stateWords(i.state).padEnd(wState)}  ${i.fromTs.padStart(18)} → ${(i.toTs ?? 'end').padStart(18)}  line ${i.line}`);
    }
    out.push('');
    out.push(`events (${json.events.length})`);
    const wLine = Math.max(4, ...json.events.map((e) => String(e.line).length));
    const wKind = Math.max(4, ...json.events.map((e) => e.kind.length));
    for (const e of json.events) {
      out.push(`  ${String(e.line).padStart(wLine)}  ${e.ts.padStart(18)}  ${e.kind.padEnd(wKind)}  ${printable(e.summary)}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  },
};
