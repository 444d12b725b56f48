/**
 * What a probe's events look like once recorded, per output format, so tests (and the decoders' own tests)
 * can check that every probe a recipe emits is one the decoders recognise. The shapes are those of the real
 * captures: ftrace text prints `(sym+0x0/0x190 [mod])` for an entry and `(caller+off/size <- callee)` for a
 * return; trace-cmd report and perf script print raw addresses, so only the event name identifies the probe.
 * Values follow the fetch type: `:x*` prints 0x-prefixed hex, `:u*`/`:s*` decimal (reference §7.2).
 */

import type { ProbeArg, ProbeDefinition } from './definition';

export type SampleFormat = 'ftrace' | 'trace-cmd' | 'perf';

export interface SampleValues {
  /** Values by field name; missing ones get a plausible value of the field's type. */
  [field: string]: string | undefined;
}

function valueFor(a: ProbeArg, given: SampleValues): string {
  const v = given[a.name];
  if (v !== undefined) return v;
  const t = a.type ?? 'x64';
  if (t.startsWith('x')) {
    if (/start|address|addr|vm_start/.test(a.name)) return '0x7f3a5c201000';
    if (/end/.test(a.name)) return '0x7f3a5c202000';
    return '0xffff888104b2c000';
  }
  if (t.startsWith('s')) return '0';
  if (a.name === 'event') return '6';
  return '1';
}

/** One event line for a definition (entry or return), in the given format. */
export function sampleLine(def: ProbeDefinition, format: SampleFormat, values: SampleValues = {}, opts: { comm?: string; pid?: number; ts?: string } = {}): string {
  const comm = opts.comm ?? 'hmm-tests';
  const pid = opts.pid ?? 2304;
  const ts = opts.ts ?? '512.004101';
  const isReturn = def.kind === 'kretprobe' || def.kind === 'fexit';
  const fields = def.args.map((a) => `${a.name}=${valueFor(a, values)}`).join(' ');
  const mod = def.module ? ` [${def.module}]` : '';
  let site: string;
  if (format === 'ftrace') {
    const entryOff = def.kind === 'fprobe' ? '0x4' : '0x0';
    site = isReturn ? `(migrate_vma_setup+0x1a5/0x220 <- ${def.symbol})` : `(${def.symbol}+${entryOff}/0x190${mod})`;
  } else {
    // trace-cmd and perf render the format's "(%lx)" / "(%lx <- %lx)": the probed function's address, then
    // for returns the return address in the caller. Each function gets its own address, as in a kernel.
    const fn = fakeAddress(def.module ? `${def.module}:${def.symbol}` : def.symbol, def.module ? 'ffffffffc0' : 'ffffffff81');
    site = isReturn ? `(${fn} <- ffffffff81255da1)` : `(${fn})`;
  }
  const body = fields ? `${site} ${fields}` : site;
  if (format === 'ftrace') return `${comm.padStart(16)}-${String(pid).padEnd(7)} [002] .....   ${ts}: ${def.event}: ${body}`;
  if (format === 'trace-cmd') return `${comm.padStart(16)}-${String(pid).padEnd(5)} [002]   ${ts}: ${`${def.event}:`.padEnd(21)} ${body}`;
  return `${comm.padStart(16)} ${String(pid).padStart(6)} [002] ${ts.padStart(12)}: ${`${def.group}:${def.event}:`.padStart(40)} ${body}`;
}

/** A stable, distinct kernel text address per symbol (FNV-1a of the name), module or vmlinux range. */
function fakeAddress(symbol: string, prefix: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 0x01000193) >>> 0;
  return `${prefix}${(h & 0xffffff).toString(16).padStart(6, '0')}`;
}
