/**
 * `hmm-trace pages FILE [--json] [--probes FILE]... [--as N]`: every page the trace names, per address space,
 * with its event count, the states it went through and its final state.
 */

import { readFileSync } from 'node:fs';
import { parseArgs, flag, option, UsageError, type ParsedArgs } from '../args';
import type { Command } from './command';
import { buildModel, STATE_WORDS } from '../../core/model';
import type { AnalyzeOptions } from '../../core/api';
import type { AddressSpace, PageState } from '../../core/model/types';
import { heapWarning } from '../memory';

/** Options shared by the model commands: `--probes FILE` (repeatable) definitions. */
export function modelOptions(args: ParsedArgs): AnalyzeOptions {
  const files = args.options.get('probes') ?? [];
  const probeDefinitions = files.map((f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --probes ${f}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  });
  return probeDefinitions.length > 0 ? { probeDefinitions } : {};
}

/** `--as 130` → 130; `--as 0xff11...` (an mm pointer) stays a string. */
export function parseAs(text: string | undefined): AddressSpace | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return text.toLowerCase();
  throw new UsageError(`--as expects a tgid/pid number or an mm pointer (0x...), got '${text}'`);
}

/** Trace strings (comm, markers) are untrusted: show control characters as escapes in a terminal. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function stateWords(s: PageState): string {
  return STATE_WORDS[s] ?? s;
}

export const pages: Command = {
  name: 'pages',
  usage: 'pages FILE [--json] [--probes FILE] [--as N]',
  summary: 'every page the trace names, with the states it went through and its final state',
  help: `
Rebuilds the per-page timelines (see 'timeline') and lists one line per page: address space (tgid, else pid,
else mm pointer), page address, number of events that touched it, the distinct states in order of first
appearance, and the final state. --probes FILE gives the kprobe_events/dynamic_events definitions used when
recording (repeatable; otherwise kprobe_events files next to the trace are used). --as N limits the output to
one address space. --json prints exactly one JSON object:
  { "file", "pages": [{ "as", "page", "events", "states", "final" }] }
`,
  async run(argv) {
    const args = parseArgs(argv, ['probes', 'as'], ['json']);
    if (args.positionals.length !== 1) throw new UsageError(`expected exactly one FILE (usage: ${this.usage})`);
    const file = args.positionals[0];
    const as = parseAs(option(args, 'as'));
    const warning = heapWarning(file);
    if (warning) process.stderr.write(`${warning}\n`);
    const { model } = await buildModel(file, modelOptions(args));
    const list = model.pages().filter((p) => as === undefined || p.as === as);
    if (flag(args, 'json')) {
      const out = { file, pages: list.map((p) => ({ as: p.as, page: p.page, events: p.events, states: p.states, final: p.final })) };
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return 0;
    }
    const lines: string[] = [`${printable(file)}: ${list.length} page(s)`];
    if (list.length > 0) {
      const wAs = Math.max(2, ...list.map((p) => String(p.as).length));
      const wPage = Math.max(4, ...list.map((p) => p.page.length));
      const wFinal = Math.max(5, ...list.map((p) => stateWords(p.final).length));
      lines.push(`  ${'AS'.padStart(wAs)}  ${'PAGE'.padEnd(wPage)}  ${'EVENTS'.padStart(6)}  ${'FINAL'.padEnd(wFinal)}  STATES`);
      for (const p of list) {
        lines.push(`  ${String(p.as).padStart(wAs)}  ${p.page.padEnd(wPage)}  ${String(p.events).padStart(6)}  ${stateWords(p.final).padEnd(wFinal)}  ${p.states.map(stateWords).join(' → ')}`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
