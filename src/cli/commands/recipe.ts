/**
 * `hmm-trace recipe --kernel 6.12 --driver nouveau [--tool tracefs|trace-cmd|perf] [--btf] [--probes-only]
 * [--include rule-or-probe,...]`: prints the capture script for that kernel and driver.
 */

import { UsageError, flag, option, parseArgs } from '../args';
import { DRIVERS, RULE_NEEDS, RecipeError, TOOLS, makeTarget, recipeText } from '../../core/recipe';
import { version } from '../version';
import type { Command } from './command';

export const recipe: Command = {
  name: 'recipe',
  usage: 'recipe --kernel VER --driver DRV [--tool T] [--btf]',
  summary: 'print a capture script (probes, tracepoints, record commands) for a kernel and driver',
  help: `
Options:
  --kernel VER       kernel release, e.g. 6.12 or $(uname -r) (required)
  --driver DRV       ${DRIVERS.join(' | ')} (dmirror = test_hmm) (required)
  --tool T           ${TOOLS.join(' | ')} (default tracefs)
  --btf              the kernel has BTF (/sys/kernel/btf/vmlinux): use member names instead of raw offsets
  --probes-only      print only the probe definitions (dynamic_events syntax)
  --include LIST     comma-separated rule ids, probe names or kernel symbols to add (repeatable), e.g.
                     refcount/migration-entry-wait,lru_add_drain_all
  --comm NAME        task name of the workload (default hmm-tests for test_hmm)
  --no-stacks        no kernel stack triggers
Rules: ${Object.keys(RULE_NEEDS).join(', ')}
`,
  async run(argv: string[]): Promise<number> {
    const args = parseArgs(argv, ['kernel', 'driver', 'tool', 'include', 'comm'], ['btf', 'probes-only', 'no-stacks']);
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' (recipe takes only options)`);
    const kernel = option(args, 'kernel');
    const driver = option(args, 'driver');
    if (kernel === undefined) throw new UsageError('--kernel is required (e.g. --kernel 6.12 or --kernel "$(uname -r)")');
    if (driver === undefined) throw new UsageError(`--driver is required (${DRIVERS.join(', ')})`);
    try {
      const target = makeTarget({
        kernel,
        driver,
        tool: option(args, 'tool'),
        btf: flag(args, 'btf'),
        stacks: !flag(args, 'no-stacks'),
        comm: option(args, 'comm'),
        include: args.options.get('include') ?? [],
        probesOnly: flag(args, 'probes-only'),
      });
      process.stdout.write(recipeText(target, `hmm-trace ${version} (hmm-trace recipe ${argv.map(shellWord).join(' ')})`));
      return 0;
    } catch (e) {
      if (e instanceof RecipeError) throw new UsageError(e.message);
      throw e;
    }
  },
};

/** Quotes an argument for the provenance comment only when it needs it. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_.,:/=+-]+$/.test(s) ? s : `'${s.replace(/[^\x20-\x7e]/g, '?').replace(/'/g, `'\\''`)}'`;
}
