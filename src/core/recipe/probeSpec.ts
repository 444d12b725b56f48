/**
 * The shape of one entry in the probe catalog: which kernel function, on which kernels and drivers, what it
 * reads (raw x86_64 registers and offsets, and the BTF names that mean the same), and what it proves.
 * Event and field names are the ones of the real captures (test/fixtures/traces/k6.*), which the decoders
 * know by name; trace-cmd and perf print only raw addresses, so the name is all they have to go on.
 */

import type { DomainKind } from '../model/types';
import type { ProbeArg } from './definition';
import type { KernelVersion, RecipeDriver } from './target';
import { atLeast } from './target';

export type Version = readonly [major: number, minor: number];

export interface ProbeSpec {
  /** Event name (`mn_start`). Specs for renamed functions share the name across version ranges. */
  name: string;
  symbol: string;
  /** Kernel module of the symbol (`test_hmm`, `nouveau`, `amdgpu`, `xe`); undefined = vmlinux. */
  module?: string;
  /** kretprobe / fprobe exit. */
  ret?: boolean;
  /** First kernel with this symbol and argument layout. */
  since?: Version;
  /** First kernel WITHOUT it (exclusive). */
  until?: Version;
  /** Drivers whose recipes include it; undefined = every driver. */
  drivers?: readonly RecipeDriver[];
  /** Only emitted when asked for with --include (name, symbol, or a rule that needs it). */
  optional?: boolean;
  /** The domain event the decoders turn it into (undefined: the return half of a call span only). */
  kind?: DomainKind;
  /** One line: what seeing this event tells the analysis. */
  why: string;
  /** Fetch args without BTF (x86_64 registers and struct offsets for this kernel). */
  raw(k: KernelVersion): ProbeArg[];
  /** The same fields by BTF argument and member names; undefined = the raw form is already name-free. */
  btf?(k: KernelVersion): ProbeArg[];
  /** Print the kernel stack on every hit when stacks are on (classifies the origin of an invalidation). */
  stack?: boolean;
  /** Source-derived but not accepted by a real kernel in our captures: the script says so. */
  unverified?: string;
}

export function arg(name: string, fetch: string, type?: string): ProbeArg {
  return type === undefined ? { name, fetch } : { name, fetch, type };
}

export function inRange(k: KernelVersion, since?: Version, until?: Version): boolean {
  if (since && !atLeast(k, since[0], since[1])) return false;
  if (until && atLeast(k, until[0], until[1])) return false;
  return true;
}

export function appliesTo(spec: ProbeSpec, k: KernelVersion, driver: RecipeDriver): boolean {
  return inRange(k, spec.since, spec.until) && (spec.drivers === undefined || spec.drivers.includes(driver));
}
