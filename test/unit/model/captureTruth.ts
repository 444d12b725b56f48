/**
 * Ground truth from the capture sidecars: each `.md` holds the test program's own log with CLOCK_MONOTONIC
 * times (the traces' clock) and addresses. Tests ask the model for a page's state at those instants.
 */

import { readFileSync } from 'node:fs';
import type { AddressSpace, PageState, TraceModel } from '../../../src/core/model/types';

export interface LogLine {
  ts: number;
  pid: number;
  text: string;
}

export function programLog(mdPath: string): LogLine[] {
  const out: LogLine[] = [];
  for (const l of readFileSync(mdPath, 'utf8').split('\n')) {
    const m = /^\[(\d+)\.(\d{6}) pid=(\d+) tid=\d+\] (.*)$/.exec(l);
    if (m) out.push({ ts: Number(m[1]) * 1e9 + Number(m[2]) * 1e3, pid: Number(m[3]), text: m[4] });
  }
  if (out.length === 0) throw new Error(`${mdPath}: no program log`);
  return out;
}

/** The n-th (0-based) log line containing `needle`. */
export function at(log: LogLine[], needle: string, n = 0): LogLine {
  const hits = log.filter((l) => l.text.includes(needle));
  if (hits.length <= n) throw new Error(`program log has ${hits.length} line(s) with '${needle}', wanted #${n}`);
  return hits[n];
}

export function bufferOf(line: LogLine): { addr: number; npages: number } {
  const m = /addr=(0x[0-9a-f]+) npages=(\d+)/.exec(line.text);
  if (!m) throw new Error(`no buffer in '${line.text}'`);
  return { addr: Number(m[1]), npages: Number(m[2]) };
}

/** The page's state after every event up to `ts` (inclusive). */
export function stateAt(model: TraceModel, as: AddressSpace, addr: number, ts: number): PageState | 'no page' {
  const tl = model.timeline(as, Math.floor(addr / 4096));
  if (!tl) return 'no page';
  let s: PageState = 'unknown';
  for (const i of tl.intervals) if (i.fromTs <= ts) s = i.state;
  return s;
}

export function statesAt(model: TraceModel, as: AddressSpace, addr: number, npages: number, ts: number): (PageState | 'no page')[] {
  const out: (PageState | 'no page')[] = [];
  for (let i = 0; i < npages; i++) out.push(stateAt(model, as, addr + i * 4096, ts));
  return out;
}
