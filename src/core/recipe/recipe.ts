/**
 * Builds a recipe: the probes (each with its definitions in order of preference), tracepoints, driver debug
 * switches and the rule table for one target. Rendering to a shell script is separate (render*.ts), so the
 * extension, the CLI and the tests share one model.
 *
 * Definitions per probe: with BTF on a kernel that has probe-event member access (`->`, believed 6.7+), an
 * fprobe by member names first, then a kprobe with the same names, then the raw-offset kprobe; without BTF
 * only the raw-offset kprobe (plus the `MOD:SYM` spelling for module symbols, which also works before the
 * module is loaded). The script installs the first one the kernel accepts and reports the rest.
 */

import type { RuleId } from '../detect/types';
import { CORE_PROBES } from './coreProbes';
import type { DebugSwitch } from './debugSwitches';
import { debugSwitches } from './debugSwitches';
import type { ProbeArg, ProbeDefinition } from './definition';
import { parseProbeDefinition } from './definition';
import { DRIVER_PROBES } from './driverProbes';
import { DRIVER_ROLE_PROBES, RULE_NEEDS } from './needs';
import type { ProbeSpec } from './probeSpec';
import { appliesTo, inRange } from './probeSpec';
import type { RecipeTarget } from './target';
import { RecipeError, atLeast } from './target';
import type { TracepointSpec } from './tracepoints';
import { tracepointsFor } from './tracepoints';

/** Event group of every probe we create: the kernel's default, as in the captures (`kprobes:mn_start`). */
export const PROBE_GROUP = 'kprobes';

export const ALL_PROBES: readonly ProbeSpec[] = [...CORE_PROBES, ...DRIVER_PROBES];

export interface RecipeProbe {
  spec: ProbeSpec;
  /** Preference order; the script installs the first one the kernel accepts. */
  definitions: ProbeDefinition[];
  stack: boolean;
  /** Rules that need this probe. */
  rules: RuleId[];
  /** Why it is in the recipe: the driver's default set, or an --include item. */
  origin: 'default' | 'include';
}

export interface RuleCoverage {
  rule: RuleId;
  why: string;
  /** Probe names in this recipe that the rule uses. */
  probes: string[];
  /** Probe names the rule would use that do not exist for this kernel/driver. */
  unavailable: string[];
  tracepoints: string[];
}

export interface Recipe {
  target: RecipeTarget;
  probes: RecipeProbe[];
  tracepoints: TracepointSpec[];
  debug: DebugSwitch[];
  rules: RuleCoverage[];
  /** Caveats for this target, printed at the top of the script. */
  notes: string[];
  /** True when the definitions use BTF names (the kernel supports member access). */
  btfNames: boolean;
}

/** Probe-event BTF member access (`range->start`): "tracing/probes: Support BTF field access", believed 6.7. */
export const BTF_MEMBER_ACCESS = [6, 7] as const;

function toDefinition(spec: ProbeSpec, kind: ProbeDefinition['kind'], args: ProbeArg[], withModule: boolean): ProbeDefinition {
  const d: ProbeDefinition = { kind, group: PROBE_GROUP, event: spec.name, symbol: spec.symbol, args };
  if (withModule && spec.module) d.module = spec.module;
  return d;
}

export function definitionsFor(spec: ProbeSpec, target: RecipeTarget, btfNames: boolean): ProbeDefinition[] {
  const k = target.kernel;
  const raw = spec.raw(k);
  const rawKind = spec.ret ? 'kretprobe' : 'kprobe';
  const defs: ProbeDefinition[] = [];
  if (btfNames) {
    const named = spec.btf ? spec.btf(k) : raw;
    defs.push(toDefinition(spec, spec.ret ? 'fexit' : 'fprobe', named, false));
    if (spec.btf) defs.push(toDefinition(spec, rawKind, named, false));
  }
  defs.push(toDefinition(spec, rawKind, raw, false));
  if (spec.module) defs.push(toDefinition(spec, rawKind, raw, true));
  return defs;
}

/** Resolves a probe name (or `@role`) to the specs that exist for this kernel (any driver when asked by name). */
function specsNamed(name: string, target: RecipeTarget): ProbeSpec[] {
  const names = name.startsWith('@') ? DRIVER_ROLE_PROBES[name]?.[target.driver] ?? [] : [name];
  return ALL_PROBES.filter((s) => names.includes(s.name) && inRange(target.kernel, s.since, s.until));
}

export function buildRecipe(target: RecipeTarget): Recipe {
  const notes: string[] = [];
  const k = target.kernel;
  const btfNames = target.btf && atLeast(k, BTF_MEMBER_ACCESS[0], BTF_MEMBER_ACCESS[1]);
  if (target.btf && !btfNames) {
    notes.push(`BTF member access in probe events ("range->start") needs ${BTF_MEMBER_ACCESS.join('.')}+ (believed); kernel ${k.text} gets raw x86_64 offsets`);
  }
  if (btfNames) notes.push('BTF names: fprobes go to dynamic_events (CONFIG_FPROBE_EVENTS); each falls back to a kprobe, then to raw offsets');
  else notes.push(`raw x86_64 offsets for kernel ${k.major}.${k.minor} (mmu_notifier_range ${atLeast(k, 6, 3) ? 'without' : 'with'} the leading vma member); on another architecture use --btf`);
  if (target.driver === 'xe' && !atLeast(k, 6, 15)) notes.push(`xe SVM (drm_gpusvm) was merged in 6.15; on ${k.text} only the core probes and xe VMA tracepoints apply`);
  if (atLeast(k, 6, 15)) notes.push('6.15+: make_device_exclusive() replaces make_device_exclusive_range(), and a CPU fault on an exclusive entry issues CLEAR (not EXCLUSIVE)');

  const chosen = new Map<ProbeSpec, RecipeProbe['origin']>();
  for (const s of ALL_PROBES) if (!s.optional && appliesTo(s, k, target.driver)) chosen.set(s, 'default');

  const extraDefs: ProbeDefinition[] = [];
  for (const item of target.include) {
    if (item === 'all') {
      for (const s of ALL_PROBES) if (appliesTo(s, k, target.driver) && !chosen.has(s)) chosen.set(s, 'include');
      continue;
    }
    const needs = RULE_NEEDS[item];
    if (needs) {
      for (const n of needs.probes) for (const s of specsNamed(n, target)) if (!chosen.has(s)) chosen.set(s, 'include');
      continue;
    }
    if (/\s/.test(item)) {
      // a full definition, e.g. from a missing-evidence note: use our kernel-correct form when we know the probe
      const def = parseProbeDefinition(item);
      if (!def) continue;
      const known = ALL_PROBES.filter((s) => (s.name === def.event || (s.symbol === def.symbol && !!s.ret === (def.kind === 'kretprobe' || def.kind === 'fexit'))) && inRange(k, s.since, s.until));
      if (known.length > 0) {
        for (const s of known) if (!chosen.has(s)) chosen.set(s, 'include');
      } else if (ALL_PROBES.some((s) => s.symbol === def.symbol)) {
        notes.push(`--include ${def.event}: ${def.symbol} does not exist on ${k.text} with this layout; skipped`);
      } else {
        extraDefs.push({ ...def, group: PROBE_GROUP });
      }
      continue;
    }
    const byName = ALL_PROBES.filter((s) => (s.name === item || s.symbol === item) && inRange(k, s.since, s.until));
    if (byName.length > 0) {
      for (const s of byName) if (!chosen.has(s)) chosen.set(s, 'include');
      continue;
    }
    if (item.includes('/')) throw new RecipeError(`unknown rule '${item}' (rules: ${Object.keys(RULE_NEEDS).join(', ')})`);
    const sym = item.includes(':') ? item.slice(item.indexOf(':') + 1) : item;
    if (!/^[A-Za-z_][\w.]*$/.test(sym)) throw new RecipeError(`--include item '${item}' is not a rule id, probe name or kernel symbol`);
    const any = ALL_PROBES.find((s) => s.name === item || s.symbol === item);
    if (any) {
      notes.push(`--include ${item}: ${any.symbol} does not exist on ${k.text} with this layout (see the 'since/until' of the catalog)`);
      continue;
    }
    // a function we have no layout for: a bare entry probe still gives time, task and stack
    const bare: ProbeDefinition = { kind: 'kprobe', group: PROBE_GROUP, event: sym.replace(/\./g, '_'), symbol: sym, args: [] };
    if (item.includes(':')) bare.module = item.slice(0, item.indexOf(':'));
    extraDefs.push(bare);
    notes.push(`--include ${item}: not in our catalog, recorded as a bare entry probe (no fields)`);
  }

  const probes: RecipeProbe[] = [];
  for (const [spec, origin] of chosen) {
    probes.push({ spec, definitions: definitionsFor(spec, target, btfNames), stack: target.stacks && !!spec.stack, rules: [], origin });
  }
  for (const def of extraDefs) {
    const spec: ProbeSpec = { name: def.event, symbol: def.symbol, why: 'added with --include', raw: () => def.args, ret: def.kind === 'kretprobe' || def.kind === 'fexit', kind: 'function' };
    if (def.module) spec.module = def.module;
    const plain = stripUndefined(def);
    delete plain.module;
    const defs = def.module ? [plain, stripUndefined(def)] : [plain];
    probes.push({ spec, definitions: defs, stack: false, rules: [], origin: 'include' });
  }

  const rules: RuleCoverage[] = [];
  for (const [rule, needs] of Object.entries(RULE_NEEDS) as [RuleId, (typeof RULE_NEEDS)[string]][]) {
    const present: string[] = [];
    const unavailable: string[] = [];
    for (const n of needs.probes) {
      const names = n.startsWith('@') ? DRIVER_ROLE_PROBES[n]?.[target.driver] ?? [] : [n];
      for (const name of names) {
        const hit = probes.filter((p) => p.spec.name === name);
        if (hit.length > 0) {
          if (!present.includes(name)) present.push(name);
          for (const p of hit) if (!p.rules.includes(rule)) p.rules.push(rule);
        } else if (specsNamed(name, target).length === 0 && ALL_PROBES.some((s) => s.name === name && (s.drivers === undefined || s.drivers.includes(target.driver)))) {
          unavailable.push(name);
        }
      }
    }
    rules.push({ rule, why: needs.why, probes: present, unavailable, tracepoints: needs.tracepoints });
  }

  return { target, probes, tracepoints: tracepointsFor(target.driver), debug: debugSwitches(target.driver), rules, notes, btfNames };
}

function stripUndefined(d: ProbeDefinition): ProbeDefinition {
  const out: ProbeDefinition = { kind: d.kind, group: d.group, event: d.event, symbol: d.symbol, args: d.args };
  if (d.module !== undefined) out.module = d.module;
  if (d.offset !== undefined) out.offset = d.offset;
  if (d.maxactive !== undefined) out.maxactive = d.maxactive;
  return out;
}
