/**
 * hmm-trace: the command-line face of the core. `hmm-trace <command> FILE [options]`.
 * Exit codes: 0 success, 1 findings at or above --fail-on (analyze), 2 usage error or unreadable input.
 */

import { UsageError } from './args';
import { commands } from './commands';
import { version } from './version';

const HELP = `hmm-trace ${version}: HMM migration and mmu_notifier trace analysis

Usage: hmm-trace <command> [arguments] [options]

Commands:
${commands.map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`).join('\n')}

Options common to commands that read a trace:
  --probes FILE      kprobe_events/dynamic_events definitions used when recording (repeatable)
  --json             print one JSON object instead of human output

  -h, --help         show this help
  -v, --version      show the version
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`hmm-trace: unknown command '${name}' (try --help)\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(`Usage: hmm-trace ${cmd.usage}\n\n${cmd.summary}\n${cmd.help ?? ''}`);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`hmm-trace ${name}: ${e.message}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')) {
      process.stderr.write(`hmm-trace ${name}: cannot read ${err.path ?? 'input'}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : 'permission denied'}\n`);
      return 2;
    }
    if (err && err.name === 'TraceInputError') {
      process.stderr.write(`hmm-trace ${name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`hmm-trace ${name}: internal error: ${err?.stack ?? String(e)}\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`hmm-trace: ${String(e)}\n`);
    process.exitCode = 2;
  },
);
