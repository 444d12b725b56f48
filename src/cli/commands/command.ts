export interface Command {
  name: string;
  /** `stats FILE [--json]` */
  usage: string;
  summary: string;
  /** Extra help text printed under the usage with --help. */
  help?: string;
  /** Returns the process exit code. Throws UsageError for usage problems (exit 2). */
  run(argv: string[]): Promise<number>;
}
