/**
 * The probe definitions a user wrote to tracefs `kprobe_events` / `dynamic_events` (or `perf probe`), parsed
 * into probe name → kernel function + field types. trace-cmd report and perf script print probe sites as raw
 * addresses, so for those formats the definition is what says which function a probe is on; for every format
 * it is what says the radix of each field (`:x64` hex with 0x, `:u32`/`:s32` decimal).
 *
 * Syntax (Documentation/trace/kprobetrace.rst, fprobetrace.rst):
 *   p[:[GRP/][EVENT]] [MOD:]SYM[+offs]|MEMADDR [FETCHARGS]        kprobe
 *   r[MAXACTIVE][:[GRP/][EVENT]] [MOD:]SYM[+0] [FETCHARGS]        kretprobe
 *   f[:[GRP/][EVENT]] [MOD:]SYM[%return] [FETCHARGS]             fprobe (entry, or exit with %return)
 *   t[:[GRP/][EVENT]] [MOD:]TRACEPOINT [FETCHARGS]               tracepoint probe
 *   -:[GRP/]EVENT                                                removes a probe
 * FETCHARGS are `NAME=FETCHARG[:TYPE]`; unnamed ones are named argN by the kernel.
 */

export type ProbeFieldType = { kind: 'hex' | 'unsigned' | 'signed' | 'string' | 'symbol' | 'other'; bits?: number };

export interface ProbeDefinition {
  /** Event name as printed in traces (`mn_start`). */
  name: string;
  group: string;
  /** entry: kprobe/fprobe entry; return: kretprobe/fprobe %return; tracepoint: t: probes. */
  kind: 'entry' | 'return' | 'tracepoint';
  /** Kernel function (or tracepoint) the probe sits on, without module prefix. */
  func: string;
  module?: string;
  offset: number;
  fields: Map<string, ProbeFieldType>;
  /** Where it came from: `file:line` or `option`. */
  source: string;
}

export interface ProbeParseIssue {
  source: string;
  text: string;
  reason: string;
}

export function fieldType(typeText: string | undefined): ProbeFieldType {
  if (!typeText) return { kind: 'other' };
  const t = typeText.trim();
  const m = /^([uxs])(8|16|32|64)(\[\d+\])?$/.exec(t);
  if (m) return { kind: m[1] === 'x' ? 'hex' : m[1] === 'u' ? 'unsigned' : 'signed', bits: Number(m[2]) };
  if (t === 'string' || t === 'ustring' || t === 'symstr' || t === 'char') return { kind: 'string' };
  if (t === 'symbol') return { kind: 'symbol' };
  return { kind: 'other' };
}

/** Extracts the definition from a shell line such as `echo 'p:hmm/x sym a=%di' >> kprobe_events`. */
function unwrapShell(line: string): string {
  const m = /^\s*echo\s+(['"])(.+)\1\s*>{1,2}\s*\S*(kprobe_events|dynamic_events)\b/.exec(line);
  return m ? m[2] : line;
}

/** Parses one definition line; undefined for comments/blank lines, an issue string for malformed ones. */
export function parseProbeLine(raw: string, source: string): ProbeDefinition | { remove: string } | string | undefined {
  let line = unwrapShell(raw).trim();
  if (line === '' || line.startsWith('#')) return undefined;
  // probes-status style files: `OK     p:...` / `FAILED p:...` (a failed definition created nothing)
  const status = /^(OK|FAILED)\s+(.*)$/.exec(line);
  if (status) {
    if (status[1] === 'FAILED') return undefined;
    line = status[2];
  }
  const head = /^([prft-])(\d*)(?::(?:([^/\s]+)\/)?([^\s]*))?(?:\s+(.*))?$/.exec(line);
  if (!head) return `not a probe definition`;
  const [, type, , groupRaw, nameRaw, rest = ''] = head;
  if (type === '-') {
    if (!nameRaw) return 'removal without an event name';
    return { remove: nameRaw };
  }
  const tokens = rest.split(/\s+/).filter((s) => s !== '');
  const site = tokens.shift();
  if (!site) return 'no probed symbol';
  let module: string | undefined;
  let sym = site;
  const colon = sym.indexOf(':');
  if (colon > 0) {
    module = sym.slice(0, colon);
    sym = sym.slice(colon + 1);
  }
  let kind: ProbeDefinition['kind'] = type === 'r' ? 'return' : type === 't' ? 'tracepoint' : 'entry';
  if (sym.endsWith('%return')) {
    kind = 'return';
    sym = sym.slice(0, -'%return'.length);
  }
  let offset = 0;
  const plus = /^(.+?)\+(0x[0-9a-f]+|\d+)$/i.exec(sym);
  if (plus) {
    sym = plus[1];
    offset = Number(plus[2]);
  }
  const fields = new Map<string, ProbeFieldType>();
  let argN = 1;
  for (const tok of tokens) {
    const eq = tok.indexOf('=');
    const name = eq > 0 ? tok.slice(0, eq) : `arg${argN}`;
    argN++;
    const value = eq > 0 ? tok.slice(eq + 1) : tok;
    const typeSep = value.lastIndexOf(':');
    // `:` also appears inside `@SYM:` forms rarely; a type is the last `:suffix` made of word characters
    const typeText = typeSep > 0 && /^[a-z]+\d*(\[\d+\])?$|^b\d+@\d+\/\d+$/.test(value.slice(typeSep + 1)) ? value.slice(typeSep + 1) : undefined;
    fields.set(name, fieldType(typeText));
  }
  const defaultName = type === 'f' ? `${sym}__${kind === 'return' ? 'exit' : 'entry'}` : `${type}_${sym}_${offset}`;
  const group = groupRaw ?? (type === 'f' ? 'fprobes' : type === 't' ? 'tracepoints' : 'kprobes');
  return { name: nameRaw || defaultName, group, kind, func: sym, module, offset, fields, source };
}

export class ProbeCatalog {
  private readonly byName = new Map<string, ProbeDefinition>();
  /** Raw probe address (lower-case hex, no 0x) → function, learned from entry probes of known functions. */
  private readonly byAddress = new Map<string, string>();
  readonly sources: string[] = [];
  readonly issues: ProbeParseIssue[] = [];
  /** Changes whenever a definition is added or removed: what a decoder kept of a name's definition is stale. */
  version = 0;

  /** Adds every definition in `text` (a kprobe_events/dynamic_events file, a probes-status file or a shell
   * script echoing into them). Later definitions of the same name replace earlier ones; `-:` removes. */
  addText(text: string, source: string): number {
    let added = 0;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const r = parseProbeLine(lines[i], `${source}:${i + 1}`);
      if (r === undefined) continue;
      if (typeof r === 'string') {
        this.issues.push({ source: `${source}:${i + 1}`, text: lines[i].slice(0, 200), reason: r });
        continue;
      }
      if ('remove' in r) {
        this.byName.delete(r.remove);
        this.version++;
        continue;
      }
      this.byName.set(r.name, r);
      this.version++;
      added++;
    }
    if (added > 0 && !this.sources.includes(source)) this.sources.push(source);
    return added;
  }

  get size(): number {
    return this.byName.size;
  }

  get(name: string): ProbeDefinition | undefined {
    return this.byName.get(name);
  }

  /** Functions that have a return probe (so their entries open call spans that will be closed). */
  functionsWithReturn(): Set<string> {
    const out = new Set<string>();
    for (const d of this.byName.values()) if (d.kind === 'return') out.add(d.func);
    return out;
  }

  learnAddress(address: string, func: string): void {
    if (!this.byAddress.has(address)) this.byAddress.set(address, func);
  }

  functionAt(address: string): string | undefined {
    return this.byAddress.get(address);
  }

  definitions(): ProbeDefinition[] {
    return [...this.byName.values()];
  }
}
