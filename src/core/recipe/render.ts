/**
 * Renders a recipe as a bash script for one tool, or as bare probe definitions (--probes-only).
 *
 * - tracefs: writes the event enables, filters and stack triggers itself and saves `trace` as text.
 * - trace-cmd: cannot create kprobes, so the probes come from tracefs; `trace-cmd record -e ... -f ... -R
 *   stacktrace` then records them with the tracepoints and `trace-cmd report` writes the text.
 * - perf: same probes through tracefs, recorded as `kprobes:<name>` events; stacks are perf callchains (-g)
 *   because ftrace stack triggers do not reach perf; `perf script` writes the text.
 */

import { formatProbeDefinition } from './definition';
import type { Recipe } from './recipe';
import { comment, header, installProbes, preamble, saveDefinitions, sq } from './renderCommon';
import { WORKLOAD_SYSCALLS, tracepointPath } from './tracepoints';

const COMM_FILTER = '"comm == \\"$COMM\\""';

/** Ctrl-C stops the workload, not the script: what was recorded until then is still saved. */
const RUN_OPEN = ['INTERRUPTED=0', "trap 'INTERRUPTED=1' INT TERM"];
const RUN_CLOSE = [
  'rc=$?',
  "trap 'exit 130' INT TERM",
  '[ "$INTERRUPTED" = 1 ] && warn "interrupted: saving what was recorded until then"',
];

/** Tracepoint enables as calls of a per-tool `tp PATH FILTER TRIGGER` shell function. */
function tracepointCalls(r: Recipe): string[] {
  const out: string[] = ['# --- tracepoints (a missing one is reported and skipped) ---'];
  for (const t of r.tracepoints) {
    out.push(...comment(`${t.event ? `${t.system}:${t.event}` : `${t.system}:*`}: ${t.why}${t.mayBeMissing ? ` (${t.mayBeMissing})` : ''}`));
    const filter = t.filterComm ? COMM_FILTER : "''";
    const trig = t.stackIf ? `"$( [ "$STACKS" = 1 ] && echo ${sq(`stacktrace if ${t.stackIf}`)} )"` : "''";
    out.push(`tp ${tracepointPath(t)} ${filter} ${trig}`);
  }
  out.push(
    '# syscalls of the workload whose effects show up as invalidations (CONFIG_FTRACE_SYSCALLS)',
    `for s in ${WORKLOAD_SYSCALLS.join(' ')}; do`,
    `  tp syscalls/sys_enter_$s ${COMM_FILTER} ''`,
    `  tp syscalls/sys_exit_$s ${COMM_FILTER} ''`,
    'done',
    '',
  );
  return out;
}

function tracefsTool(r: Recipe): string[] {
  return [
    '# tp PATH FILTER TRIGGER: enable one tracepoint (or a whole system) with an optional filter and trigger',
    'tp() {',
    '  local e="$T/events/$1"',
    '  [ -e "$e/enable" ] || { warn "no tracepoint $1 on this kernel, skipped"; return 0; }',
    '  [ -n "$2" ] && { echo "$2" > "$e/filter" || warn "filter refused on $1: $2"; }',
    '  [ -n "$3" ] && [ -e "$e/trigger" ] && { echo "$3" > "$e/trigger" || warn "trigger refused on $1: $3"; }',
    '  echo 1 > "$e/enable" && TRACEPOINTS_ON+=("$1")',
    '}',
    '',
    ...tracepointCalls(r),
    '# --- enable the probes; a kernel stack after each hit of the notifier hook and driver callbacks ---',
    'for n in ${INSTALLED[@]+"${INSTALLED[@]}"}; do',
    '  echo 1 > "$T/events/$GROUP/$n/enable" && TRACEPOINTS_ON+=("$GROUP/$n")',
    'done',
    'for n in ${STACKED[@]+"${STACKED[@]}"}; do',
    '  echo stacktrace > "$T/events/$GROUP/$n/trigger" || warn "stacktrace trigger refused on $n"',
    'done',
    '',
    '# --- record: the workload may write step markers to $T/trace_marker; they show as tracing_mark_write ---',
    'echo 1 > "$T/tracing_on"',
    ...RUN_OPEN,
    '"$@"',
    ...RUN_CLOSE,
    'echo 0 > "$T/tracing_on"',
    'cat "$T/trace" > "$OUT.txt" || die "could not save $T/trace"',
    ...saveDefinitions(),
    'grep -q "LOST" "$OUT.txt" && warn "events were lost: raise BUFFER_KB"',
    'echo "hmm-trace recipe: workload exited $rc; trace in $OUT.txt, probes in $OUT.kprobe_events, status in $STATUS" >&2',
    'echo "open it with: hmm-trace analyze $OUT.txt   (or open $OUT.txt in VS Code)" >&2',
  ];
}

/** trace-cmd and perf share the `tp` shape: append `-e` (and filter/trigger options) to an argument array. */
function recorderTool(r: Recipe, tool: 'trace-cmd' | 'perf'): string[] {
  const perf = tool === 'perf';
  const out: string[] = [
    `command -v ${tool} >/dev/null || die "${tool} is not installed"`,
    perf
      ? 'args=(record -a -k CLOCK_MONOTONIC -o "$OUT.perf.data")'
      : 'args=(record -C mono -b "$BUFFER_KB" -o "$OUT.dat")',
  ];
  if (perf) out.push('# perf cannot see ftrace stack triggers: stacks are callchains of every event', '[ "$STACKS" = 1 ] && args+=(-g)');
  out.push(
    '',
    perf
      ? '# tp PATH FILTER TRIGGER: record a tracepoint (system/* for a whole system) with an optional filter'
      : '# tp PATH FILTER TRIGGER: record a tracepoint (or a whole system) with an optional filter (-f) and trigger (-R)',
    'tp() {',
    '  [ -e "$T/events/$1" ] || { warn "no tracepoint $1 on this kernel, skipped"; return 0; }',
    perf ? '  case $1 in */*) args+=(-e "${1/\\//:}") ;; *) args+=(-e "$1:*") ;; esac' : '  args+=(-e "${1/\\//:}")',
    perf ? '  [ -n "$2" ] && args+=(--filter "$2")' : '  [ -n "$2" ] && args+=(-f "$2")',
    perf ? '  return 0' : '  [ -n "$3" ] && args+=(-R "$3")',
    perf ? '' : '  return 0',
    '}',
    '',
    ...tracepointCalls(r),
    '# --- the probes created above, by name',
    'for n in ${INSTALLED[@]+"${INSTALLED[@]}"}; do',
    '  args+=(-e "$GROUP:$n")',
  );
  if (!perf) {
    out.push('  for s in ${STACKED[@]+"${STACKED[@]}"}; do [ "$s" = "$n" ] && args+=(-R stacktrace); done');
  }
  out.push('done', '');
  if (perf) {
    out.push(
      '# --- record, then perf script (add --ns for nanosecond timestamps; -F to choose columns)',
      ...RUN_OPEN,
      'perf "${args[@]}" -- "$@"',
      ...RUN_CLOSE,
      'perf script -i "$OUT.perf.data" > "$OUT.txt" || die "perf script failed"',
    );
  } else {
    out.push(
      '# --- record, then trace-cmd report (-t for nanosecond timestamps)',
      ...RUN_OPEN,
      'trace-cmd "${args[@]}" "$@"',
      ...RUN_CLOSE,
      'trace-cmd report -i "$OUT.dat" > "$OUT.txt" || die "trace-cmd report failed"',
    );
  }
  out.push(
    ...saveDefinitions(),
    `echo "hmm-trace recipe: workload exited $rc; trace in $OUT.txt (binary ${perf ? '$OUT.perf.data' : '$OUT.dat'}), probes in $OUT.kprobe_events" >&2`,
    'echo "open it with: hmm-trace analyze $OUT.txt   (it finds $OUT.kprobe_events; or open it in VS Code)" >&2',
  );
  return out.filter((l, i, a) => !(l === '' && a[i - 1] === ''));
}

export function renderScript(r: Recipe, generator = 'hmm-trace'): string {
  const lines = [...header(r, generator), ...preamble(r), ...installProbes(r)];
  if (r.target.tool === 'tracefs') lines.push(...tracefsTool(r));
  else lines.push(...recorderTool(r, r.target.tool));
  lines.push('exit "$rc"');
  return `${lines.join('\n')}\n`;
}

/** Bare definitions, preferred form per probe: `cat > /sys/kernel/tracing/dynamic_events` accepts them all. */
export function renderProbesOnly(r: Recipe): string {
  const t = r.target;
  const out = [
    `# hmm-trace probe definitions: kernel ${t.kernel.text} (x86_64), driver ${t.driver}${r.btfNames ? ', BTF names' : ''}`,
    '# append to /sys/kernel/tracing/dynamic_events (fprobes only go there; kprobes also to kprobe_events)',
    ...r.notes.flatMap((n) => comment(n)),
  ];
  for (const p of r.probes) {
    const [first] = p.definitions;
    out.push(formatProbeDefinition(first, { withModule: false }));
  }
  return `${out.join('\n')}\n`;
}
