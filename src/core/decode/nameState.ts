/**
 * What the decoder keeps per event name: a trace has tens of names and millions of events, and what an event
 * decodes to depends mostly on its name and its probe site. Per name: the probe definition of that name, the
 * function a probe site resolved to (the reader hands out one frozen ProbeSite object per distinct head, so
 * the next event with the same site object needs no lookups at all), the tracepoint's kind, the syscall's
 * name, and what is known of the name's fields (eventFields.ts).
 */

import type { DomainKind } from '../model/types';
import type { ProbeSite } from '../ingest/types';
import type { Resolution } from './decoded';
import { NameFields } from './eventFields';
import type { FunctionInfo } from './functions';
import type { ProbeDefinition } from './probeCatalog';

/** A probe event resolved to its function: everything reset() and decodeProbe() need of it. */
export interface ProbeFunction {
  /** The function without compiler suffix. */
  func: string;
  info: FunctionInfo | undefined;
  kind: DomainKind;
  ret: boolean;
  by: Resolution;
}

export class NameState {
  readonly fields = new NameFields();
  /** The catalog's definition of this name, as of catalog version `version`. */
  def: ProbeDefinition | undefined = undefined;
  version = -1;
  /** The site of the last entry (kprobe) of this name that resolved by symbol or definition, and the result. */
  entrySite: ProbeSite | undefined = undefined;
  entry: ProbeFunction | undefined = undefined;
  /** The same for returns (kretprobe: the site of the function that returned). */
  retSite: ProbeSite | undefined = undefined;
  ret: ProbeFunction | undefined = undefined;
  /** TRACEPOINT_KINDS of the name (null: not known yet, undefined: none). */
  tracepoint: DomainKind | undefined | null = null;
  /** The syscall's name without `sys_enter_` / `sys_exit_` / `sys_` (decodeSyscall). */
  syscall: string | undefined = undefined;

  constructor(readonly name: string) {}

  /** The definition changed (or is read for the first time): what was resolved with the old one is stale. */
  define(def: ProbeDefinition | undefined, version: number): void {
    this.def = def;
    this.version = version;
    this.entrySite = this.retSite = undefined;
    this.entry = this.ret = undefined;
  }
}

/** Slots of the front cache of names (a trace has tens of names). */
export const NAME_SLOTS = 64;

/** A name's slot in a front cache: by its length and end characters, no hash of the whole string. */
export function nameSlot(name: string): number {
  const n = name.length;
  return n === 0 ? 0 : (n * 31 + name.charCodeAt(0) * 7 + name.charCodeAt(n - 1) * 3 + name.charCodeAt(n >> 1)) & (NAME_SLOTS - 1);
}

/**
 * The states of the names met, found through a direct-mapped front cache compared by string (the reader
 * hands out one string per name, so mostly a pointer compare) before the Map: a Map lookup per event cost
 * ~20 ns, and a probe's cycle of names is longer than a short list of recent ones.
 */
export class NameStates {
  private readonly byName = new Map<string, NameState>();
  private readonly frontNames: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
  private readonly front: NameState[];

  constructor() {
    this.front = new Array<NameState>(NAME_SLOTS).fill(new NameState(''));
  }

  of(name: string): NameState {
    const slot = nameSlot(name);
    if (this.frontNames[slot] === name) return this.front[slot];
    let s = this.byName.get(name);
    // never dropped: a name's field memo decides which spelling later events of the name are read by
    if (s === undefined) this.byName.set(name, (s = new NameState(name)));
    this.frontNames[slot] = name;
    this.front[slot] = s;
    return s;
  }
}
