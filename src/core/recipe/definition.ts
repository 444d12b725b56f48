/**
 * Probe definitions in the tracefs `kprobe_events` / `dynamic_events` syntax (Documentation/trace/
 * kprobetrace.rst, fprobetrace.rst):
 *
 *   p[:[GRP/][EVENT]] [MOD:]SYM[+offs] [FETCHARGS]      kprobe
 *   r[MAXACTIVE][:[GRP/][EVENT]] [MOD:]SYM[+0] [FETCHARGS]  kretprobe (the kernel prints r10: with its default)
 *   f[:[GRP/][EVENT]] SYM [FETCHARGS]                   fprobe entry (dynamic_events only)
 *   f[MAXACTIVE][:[GRP/][EVENT]] SYM%return [FETCHARGS] fprobe exit
 *
 * FETCHARGS are `NAME=FETCHARG[:TYPE]`; a bare BTF argument name `count` names itself. The parser is used to
 * read back what the kernel accepted (`cat kprobe_events`) and to compare recipes with real captures.
 */

export type ProbeKind = 'kprobe' | 'kretprobe' | 'fprobe' | 'fexit';

export interface ProbeArg {
  name: string;
  /** `+16(%di)`, `%si`, `$retval`, `range->start`, `+0(+16(%di))`. */
  fetch: string;
  /** `x64`, `u32`, `s32`, ... or undefined (kernel default / BTF type). */
  type?: string;
}

export interface ProbeDefinition {
  kind: ProbeKind;
  group: string;
  event: string;
  symbol: string;
  /** `MOD:` prefix when given. Both forms are valid for loaded modules; MOD:SYM also works before modprobe. */
  module?: string;
  /** `SYM+offs` (kprobes only). */
  offset?: number;
  maxactive?: number;
  args: ProbeArg[];
}

const TYPE_RE = /^(?:[usx](?:8|16|32|64)|char|string|ustring|symbol|symstr|b\d+@\d+\/\d+)(?:\[\d+\])?$/;

export function splitFetchArg(token: string): ProbeArg {
  const eq = token.indexOf('=');
  const name = eq > 0 ? token.slice(0, eq) : '';
  let fetch = eq > 0 ? token.slice(eq + 1) : token;
  let type: string | undefined;
  const colon = fetch.lastIndexOf(':');
  if (colon > 0 && TYPE_RE.test(fetch.slice(colon + 1))) {
    type = fetch.slice(colon + 1);
    fetch = fetch.slice(0, colon);
  }
  return type === undefined ? { name: name || fetch, fetch } : { name: name || fetch, fetch, type };
}

/**
 * Parses one definition line. Returns null for blank lines, `#` comments and `-:` removals; throws a
 * message naming the problem for anything else it cannot read.
 */
export function parseProbeDefinition(line: string): ProbeDefinition | null {
  const text = line.trim();
  if (text === '' || text.startsWith('#') || text.startsWith('-:')) return null;
  const m = /^([prf])(\d*)(?::(?:([^/\s]+)\/)?([^\s/]+))?\s+(\S+)\s*(.*)$/.exec(text);
  if (!m) throw new Error(`not a probe definition: '${text}'`);
  const [, letter, maxactive, group, event, site, rest] = m;
  let kind: ProbeKind = letter === 'p' ? 'kprobe' : letter === 'r' ? 'kretprobe' : 'fprobe';
  let symbol = site;
  if (kind === 'fprobe' && symbol.endsWith('%return')) {
    kind = 'fexit';
    symbol = symbol.slice(0, -'%return'.length);
  }
  let module: string | undefined;
  const modColon = symbol.indexOf(':');
  if (modColon > 0) {
    module = symbol.slice(0, modColon);
    symbol = symbol.slice(modColon + 1);
  }
  let offset: number | undefined;
  const plus = /^(.+)\+(0x[0-9a-fA-F]+|\d+)$/.exec(symbol);
  if (plus) {
    symbol = plus[1];
    offset = Number(plus[2]);
  }
  if (!/^[A-Za-z_][\w.]*$/.test(symbol)) throw new Error(`probe site '${site}' is not a kernel symbol`);
  const def: ProbeDefinition = {
    kind,
    group: group ?? (kind === 'fprobe' || kind === 'fexit' ? 'fprobes' : 'kprobes'),
    event: event ?? defaultEventName(kind, symbol),
    symbol,
    args: rest.trim() === '' ? [] : rest.trim().split(/\s+/).map(splitFetchArg),
  };
  if (module !== undefined) def.module = module;
  if (offset !== undefined && offset !== 0) def.offset = offset;
  if (maxactive !== '') def.maxactive = Number(maxactive);
  return def;
}

function defaultEventName(kind: ProbeKind, symbol: string): string {
  if (kind === 'fprobe') return `${symbol}__entry`;
  if (kind === 'fexit') return `${symbol}__exit`;
  return `${kind === 'kprobe' ? 'p' : 'r'}_${symbol}_0`;
}

/** Parses a whole kprobe_events / dynamic_events / probes-status text; `OK     ` / `FAILED ` prefixes are kept
 * apart so a status file can be read with the same call. */
export function parseProbeDefinitions(text: string): { accepted: ProbeDefinition[]; failed: ProbeDefinition[] } {
  const accepted: ProbeDefinition[] = [];
  const failed: ProbeDefinition[] = [];
  for (const raw of text.split('\n')) {
    const status = /^(OK|FAILED)\s+(.*)$/.exec(raw.trim());
    const def = parseProbeDefinition(status ? status[2] : raw);
    if (!def) continue;
    (status?.[1] === 'FAILED' ? failed : accepted).push(def);
  }
  return { accepted, failed };
}

export function formatFetchArg(a: ProbeArg): string {
  return `${a.name}=${a.fetch}${a.type ? `:${a.type}` : ''}`;
}

export function formatProbeDefinition(d: ProbeDefinition, opts: { withModule?: boolean } = {}): string {
  const letter = d.kind === 'kprobe' ? 'p' : d.kind === 'kretprobe' ? 'r' : 'f';
  const head = `${letter}${d.maxactive ?? ''}:${d.group}/${d.event}`;
  const mod = opts.withModule && d.module ? `${d.module}:` : '';
  const site = `${mod}${d.symbol}${d.offset ? `+${d.offset}` : ''}${d.kind === 'fexit' ? '%return' : ''}`;
  return [head, site, ...d.args.map(formatFetchArg)].join(' ');
}

/** The tracefs file a definition is written to: fprobes exist only in dynamic_events. */
export function definitionFile(d: ProbeDefinition): 'kprobe_events' | 'dynamic_events' {
  return d.kind === 'fprobe' || d.kind === 'fexit' ? 'dynamic_events' : 'kprobe_events';
}
