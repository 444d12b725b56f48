/**
 * A long capture holds many runs of a program: each run is new tasks in a new address space, on the same
 * virtual addresses, and the kernel may hand a freed mm_struct's address to the next process (the `mm=` pointer
 * repeats). Replaying a real capture twice that way, with fresh pids and later timestamps, must give every
 * finding twice, one per address space: no dedup across address spaces, no state of one run leaking into the
 * next (this is what the bench's replay trace does ~100 times per scenario).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/analyze';
import type { Finding } from '../../../src/core/detect/types';
import { fixture } from '../helpers';

/** `comm-pid [cpu] flags secs.usecs: body` (ftrace's text format). */
const EVENT_LINE = /^(.*?)-(\d+)(\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+\S+ )\s*(\d+)\.(\d{6}): (.*)$/;
const PID_FIELD = /\b((?:child_|prev_|next_)?pid)=(\d+)/g;
/** Pids of the test program (the shell, kworkers and idle are below and stay the same). */
const FIRST_TEST_PID = 100;

/** The capture `rounds` times in a row: each round's test pids moved by 256 more, its times after the previous round. */
function replay(text: string, rounds: number): string {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines.filter((l) => l.startsWith('#'));
  const body = lines.filter((l) => !l.startsWith('#'));
  const usOf = (l: string): number | undefined => {
    const m = EVENT_LINE.exec(l);
    return m ? Number(m[4]) * 1e6 + Number(m[5]) : undefined;
  };
  const stamps = body.map(usOf).filter((u): u is number => u !== undefined);
  const first = Math.min(...stamps);
  const span = Math.max(...stamps) - first;
  const out = [...header];
  for (let r = 0; r < rounds; r++) {
    const shift = (r + 1) * 256;
    const move = (pid: number) => (pid >= FIRST_TEST_PID ? pid + shift : pid);
    const base = 5_000_000_000 + r * (span + 1000);
    for (const line of body) {
      const m = EVENT_LINE.exec(line);
      // stack lines (` => func`) belong to the event above them and carry no pid or time
      if (!m) {
        out.push(line);
        continue;
      }
      const t = base + (Number(m[4]) * 1e6 + Number(m[5]) - first);
      const fields = m[6].replace(PID_FIELD, (_all, key: string, v: string) => `${key}=${move(Number(v))}`);
      out.push(`${m[1]}-${move(Number(m[2]))}${m[3]}${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}: ${fields}`);
    }
  }
  return out.join('\n') + '\n';
}

async function analyzeText(text: string): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-rounds-'));
  try {
    const path = join(dir, 'replay.trace');
    writeFileSync(path, text);
    return (await analyzeFile(path, { discoverProbes: false })).findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function countByRule(fs: Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of fs) out[f.rule] = (out[f.rule] ?? 0) + 1;
  return out;
}

/** The finding's message without the parts that differ between rounds (pids, times, address-space numbers). */
function shape(f: Finding): string {
  return `${f.rule} ${f.severity} ${f.message.replace(/-\d+\b/g, '-PID').replace(/\b\d+\.\d{9}\b/g, 'TS')} ${f.pages.join(',')}`;
}

for (const scenario of ['pinned', 'exclusive', 'mprotect', 'double_migrate', 'fork']) {
  test(`${scenario}: a capture replayed in two address spaces gives every finding twice, once per address space`, async () => {
    const text = readFileSync(fixture('traces', 'k6.1', `${scenario}-ftrace.txt`), 'utf8');
    const once = await analyzeText(replay(text, 1));
    const twice = await analyzeText(replay(text, 2));
    assert.ok(once.length > 0, `${scenario} has findings to double`);
    const doubled = Object.fromEntries(Object.entries(countByRule(once)).map(([r, n]) => [r, 2 * n]));
    assert.deepEqual(countByRule(twice), doubled);
    // the second round's findings are the first round's, in address spaces of their own
    const firstSpaces = new Set(twice.slice().sort((a, b) => a.fromTs - b.fromTs).slice(0, once.length).map((f) => String(f.as)));
    const byRound = [twice.filter((f) => firstSpaces.has(String(f.as))), twice.filter((f) => !firstSpaces.has(String(f.as)))];
    assert.equal(byRound[0].length, once.length, 'one round of findings per address space');
    assert.deepEqual(byRound[1].map(shape).sort(), once.map(shape).sort());
    assert.deepEqual(byRound[0].map(shape).sort(), once.map(shape).sort());
  });
}

test('pinned: refcount/pages-not-collected fires on every pinned round, not once for the whole trace', async () => {
  const text = readFileSync(fixture('traces', 'k6.1', 'pinned-ftrace.txt'), 'utf8');
  const nc = (await analyzeText(replay(text, 3))).filter((f) => f.rule === 'refcount/pages-not-collected');
  assert.equal(nc.length, 3, nc.map((f) => f.message).join('\n'));
  assert.equal(new Set(nc.map((f) => String(f.as))).size, 3, 'three address spaces');
  for (const f of nc) assert.match(f.message, /selected 8 page\(s\) but only 6/);
});
