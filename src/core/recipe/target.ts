/**
 * What a capture recipe is for: the kernel it runs on, the GPU driver (or lib/test_hmm) whose shared virtual
 * memory is being debugged, and the tool that records. Parsing is strict: a recipe written for the wrong
 * kernel installs kprobes that read the wrong struct offsets, which is worse than no recipe.
 */

export type RecipeDriver = 'nouveau' | 'test_hmm' | 'amdkfd' | 'xe' | 'generic';
export type RecipeTool = 'tracefs' | 'trace-cmd' | 'perf';

export const DRIVERS: readonly RecipeDriver[] = ['test_hmm', 'nouveau', 'amdkfd', 'xe', 'generic'];
export const TOOLS: readonly RecipeTool[] = ['tracefs', 'trace-cmd', 'perf'];

/** What each driver is, in one line, for pickers and the script header. */
export const DRIVER_TITLES: Record<RecipeDriver, string> = {
  test_hmm: 'lib/test_hmm (dmirror): the kernel HMM selftest driver, no GPU needed',
  nouveau: 'nouveau SVM (NVIDIA Pascal, DRM_NOUVEAU_SVM)',
  amdkfd: 'amdgpu/amdkfd SVM (ROCm HMM)',
  xe: 'Intel xe SVM (drm_gpusvm, 6.15+)',
  generic: 'any other driver: core mm probes only',
};

export const TOOL_TITLES: Record<RecipeTool, string> = {
  tracefs: 'raw tracefs (/sys/kernel/tracing): no tools needed, text output',
  'trace-cmd': 'trace-cmd record + trace-cmd report',
  perf: 'perf record + perf script',
};

/** A kernel release as `uname -r` prints it, reduced to what layouts depend on. */
export interface KernelVersion {
  major: number;
  minor: number;
  /** The text the user gave, for the script header. */
  text: string;
}

export interface RecipeTarget {
  kernel: KernelVersion;
  driver: RecipeDriver;
  tool: RecipeTool;
  /** The kernel has BTF (`/sys/kernel/btf/vmlinux`): probes may use argument and member names. */
  btf: boolean;
  /** Kernel stacks on the notifier hook and the driver callbacks (origin of each invalidation). */
  stacks: boolean;
  /** `comm` of the workload; syscalls and CPU faults are filtered to it. Undefined: the script takes the
   * workload's file name (what exec sets comm to, cut to 15 characters). */
  workloadComm?: string;
  /** Rule ids, probe names or kernel symbols to add beyond the driver's default set. */
  include: string[];
  /** Print only the probe definitions (kprobe_events / dynamic_events syntax). */
  probesOnly: boolean;
}

export class RecipeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecipeError';
  }
}

/** The oldest kernel we write recipes for: MMU_NOTIFY_EXCLUSIVE and `range->owner` arrived in 5.14. */
export const OLDEST_KERNEL = { major: 5, minor: 14 };

/** Parses `6.12`, `6.12.117`, `6.1.0-28-amd64`, `6.8.0-45-generic`, `6.15-rc3`; the minor is required. */
export function parseKernelVersion(text: string): KernelVersion {
  const t = text.trim();
  const m = /^v?(\d{1,2})\.(\d{1,3})(?:[.\-+~_].*|rc\d+.*)?$/.exec(t);
  if (!m) throw new RecipeError(`kernel version '${text}' is not MAJOR.MINOR[.PATCH][-suffix] (for example 6.12 or 6.1.0-28-amd64)`);
  const kernel = { major: Number(m[1]), minor: Number(m[2]), text: t };
  if (!atLeast(kernel, OLDEST_KERNEL.major, OLDEST_KERNEL.minor)) {
    throw new RecipeError(
      `kernel ${t} is older than ${OLDEST_KERNEL.major}.${OLDEST_KERNEL.minor}: mmu_notifier_range has no owner and there is no MMU_NOTIFY_EXCLUSIVE; recipes start at 5.14`,
    );
  }
  if (kernel.major > 7) throw new RecipeError(`kernel ${t} is newer than any layout we know; use the newest known (e.g. 6.18) and check with --btf`);
  return kernel;
}

export function atLeast(k: { major: number; minor: number }, major: number, minor: number): boolean {
  return k.major > major || (k.major === major && k.minor >= minor);
}

const DRIVER_ALIASES: Record<string, RecipeDriver> = {
  nouveau: 'nouveau',
  test_hmm: 'test_hmm',
  'test-hmm': 'test_hmm',
  testhmm: 'test_hmm',
  dmirror: 'test_hmm',
  'test_hmm/dmirror': 'test_hmm',
  amdkfd: 'amdkfd',
  amdgpu: 'amdkfd',
  kfd: 'amdkfd',
  xe: 'xe',
  generic: 'generic',
  other: 'generic',
};

export function parseDriver(text: string): RecipeDriver {
  const d = DRIVER_ALIASES[text.trim().toLowerCase()];
  if (!d) throw new RecipeError(`unknown driver '${text}' (one of: ${DRIVERS.join(', ')}; dmirror means test_hmm)`);
  return d;
}

export function parseTool(text: string): RecipeTool {
  const t = text.trim().toLowerCase();
  const tool = t === 'tracecmd' ? 'trace-cmd' : t === 'ftrace' ? 'tracefs' : t;
  if (!(TOOLS as readonly string[]).includes(tool)) throw new RecipeError(`unknown tool '${text}' (one of: ${TOOLS.join(', ')})`);
  return tool as RecipeTool;
}

/** A comm is at most 15 bytes (TASK_COMM_LEN 16) and is pasted into filters: keep it to safe characters. */
export function parseComm(text: string): string {
  const c = text.trim();
  if (!/^[A-Za-z0-9_.+\-/:]{1,15}$/.test(c)) {
    throw new RecipeError(`workload comm '${text}' must be 1-15 characters of [A-Za-z0-9_.+-/:] (the kernel keeps 15)`);
  }
  return c;
}

export interface TargetInput {
  kernel: string;
  driver: string;
  tool?: string;
  btf?: boolean;
  stacks?: boolean;
  comm?: string;
  include?: string[];
  probesOnly?: boolean;
}

/** Validates loose input (CLI flags, quick-pick values, a webview message) into a target. */
export function makeTarget(input: TargetInput): RecipeTarget {
  const include = (input.include ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  for (const i of include) {
    // a whole probe definition (from a missing-evidence note) or a name; either is pasted into the script
    // inside single quotes, so quotes, backslashes and control characters are refused outright
    const ok = /\s/.test(i) ? /^[prf]\d*(?::\S+)?\s[\x20-\x7e]{1,400}$/.test(i) && !/['\\`]/.test(i) : /^[A-Za-z0-9_.:/-]{1,80}$/.test(i);
    if (!ok) throw new RecipeError(`--include item '${i}' is not a rule id, probe name, kernel symbol or probe definition`);
  }
  return {
    kernel: parseKernelVersion(input.kernel),
    driver: parseDriver(input.driver),
    tool: parseTool(input.tool ?? 'tracefs'),
    btf: input.btf ?? false,
    stacks: input.stacks ?? true,
    ...(input.comm === undefined ? {} : { workloadComm: parseComm(input.comm) }),
    include,
    probesOnly: input.probesOnly ?? false,
  };
}
