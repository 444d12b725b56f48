/**
 * The bench's synthetic trace: the real 6.1 ftrace captures in test/fixtures/traces/k6.1 (every scenario,
 * with and without `<stack trace>` blocks) replayed one after another until the requested size, so the mix
 * of events, the entry/return pairing, the migration and invalidation records and the stacks are what a
 * real kernel prints, not an invented proportion.
 *
 * Each replay ("round") is a new run of the test program: timestamps continue after the previous round,
 * and every task pid of the test program (>= 100; the shell, kworkers and idle keep theirs) is moved to a
 * pid of its own, in the task column and in `pid=`/`child_pid=`/`prev_pid=`/`next_pid=` fields, so each
 * round is its own set of address spaces and pages, as a long-running capture of many runs would be.
 * Used by the bench only; never by tests.
 */

import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SCENARIOS = ['double_migrate', 'exclusive', 'fork', 'migrate_fault', 'mprotect', 'munmap', 'pinned', 'thp_migrate'];
/** Pids below this belong to the system (shell, kworkers, idle) and are the same in every round. */
const FIRST_TEST_PID = 100;
/** Distance between two rounds' pids: larger than any capture's range of test pids. */
const PID_STRIDE = 256;
/** Gap between two rounds, in microseconds. */
const ROUND_GAP_US = 1000;

interface Capture {
  header: string;
  /** Event and stack lines, without the header. */
  lines: string[];
  /** Timestamp of each line in microseconds, NaN for stack lines. */
  usec: number[];
  firstUs: number;
  spanUs: number;
}

const EVENT_LINE = /^(.*?)-(\d+)(\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+\S+ )\s*(\d+)\.(\d{6}): (.*)$/;
const PID_FIELD = /\b((?:child_|prev_|next_)?pid)=(\d+)/g;

function loadCapture(path: string): Capture {
  const text = readFileSync(path, 'utf8');
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  const headerLines: string[] = [];
  let i = 0;
  while (i < all.length && all[i].startsWith('#')) headerLines.push(all[i++]);
  const lines = all.slice(i);
  const usec = lines.map((l) => {
    const m = EVENT_LINE.exec(l);
    return m ? Number(m[4]) * 1e6 + Number(m[5]) : NaN;
  });
  const stamped = usec.filter((u) => !Number.isNaN(u));
  const firstUs = stamped.length ? Math.min(...stamped) : 0;
  const lastUs = stamped.length ? Math.max(...stamped) : 0;
  return { header: headerLines.join('\n') + '\n', lines, usec, firstUs, spanUs: lastUs - firstUs };
}

/** The captures in replay order: each scenario without stacks, then each with. */
export function loadCaptures(root: string): Capture[] {
  const dir = join(root, 'test', 'fixtures', 'traces', 'k6.1');
  const names = new Set(readdirSync(dir));
  const out: Capture[] = [];
  for (const variant of ['ftrace', 'ftracestack']) {
    for (const s of SCENARIOS) {
      const f = `${s}-${variant}.txt`;
      if (names.has(f)) out.push(loadCapture(join(dir, f)));
    }
  }
  if (out.length === 0) throw new Error(`no captures to replay in ${dir}`);
  return out;
}

function movePid(pid: number, shift: number): number {
  return pid >= FIRST_TEST_PID ? pid + shift : pid;
}

/** One round of a capture, starting at `baseUs`, with test pids moved by `pidShift`. */
function replayRound(c: Capture, baseUs: number, pidShift: number): string {
  const out: string[] = [];
  for (let i = 0; i < c.lines.length; i++) {
    const line = c.lines[i];
    const us = c.usec[i];
    if (Number.isNaN(us)) {
      out.push(line);
      continue;
    }
    const m = EVENT_LINE.exec(line)!;
    const t = baseUs + (us - c.firstUs);
    const secs = Math.floor(t / 1e6);
    const frac = String(t % 1e6).padStart(6, '0');
    const pid = movePid(Number(m[2]), pidShift);
    const body = m[6].replace(PID_FIELD, (_all, key: string, v: string) => `${key}=${movePid(Number(v), pidShift)}`);
    // keep the task column's width: the comm takes what a longer pid needs from its left padding
    const task = `${m[1]}-${pid}`;
    const width = m[1].length + 1 + m[2].length;
    out.push(`${task.length < width ? task.padStart(width) : task}${m[3]}${String(secs).padStart(5)}.${frac}: ${body}`);
  }
  return out.join('\n') + '\n';
}

/** Writes `bytes` (at least) of replayed captures to `path` unless a file of that size class is already there. */
export function generateTrace(path: string, bytes: number, root: string): { path: string; bytes: number; reused: boolean } {
  if (existsSync(path) && statSync(path).size >= bytes && statSync(path).size < bytes + (8 << 20)) {
    return { path, bytes: statSync(path).size, reused: true };
  }
  const captures = loadCaptures(root);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  let written = writeSync(fd, captures[0].header);
  let baseUs = 5_000_000_000;
  try {
    for (let round = 0; written < bytes; round++) {
      const c = captures[round % captures.length];
      written += writeSync(fd, replayRound(c, baseUs, (round + 1) * PID_STRIDE));
      baseUs += c.spanUs + ROUND_GAP_US;
    }
  } finally {
    closeSync(fd);
  }
  return { path, bytes: written, reused: false };
}
