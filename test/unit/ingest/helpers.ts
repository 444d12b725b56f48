/** Helpers for the ingest tests: write a trace text to a temp file and read it back completely. */

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrace } from '../../../src/core/ingest/index';
import type { IngestSummary, RawEvent, ReadOptions } from '../../../src/core/ingest/types';
import { fixture } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'hmm-ingest-'));
let n = 0;

export function tempTrace(content: string | Buffer, name = 'trace.txt'): string {
  const p = join(dir, `${n++}-${name}`);
  writeFileSync(p, content);
  return p;
}

export async function readAll(path: string, opts: ReadOptions = {}): Promise<{ events: RawEvent[]; summary: IngestSummary }> {
  const events: RawEvent[] = [];
  const summary = await readTrace(path, (ev) => events.push(ev), opts);
  return { events, summary };
}

export async function readText(text: string, opts: ReadOptions = {}): Promise<{ events: RawEvent[]; summary: IngestSummary }> {
  return readAll(tempTrace(text), opts);
}

export function accounted(s: IngestSummary): boolean {
  return s.parsedLines + s.unparsedLines + s.commentLines + s.blankLines === s.lines;
}

/** Every text trace among the fixtures (real captures, reference excerpts, synthetic traces), sorted. */
export function fixtureTraces(): string[] {
  const out: string[] = [];
  const add = (dir: string, accept: (f: string) => boolean) => {
    for (const f of readdirSync(dir)) if (accept(f)) out.push(join(dir, f));
  };
  for (const k of ['k6.1', 'k6.12']) add(fixture('traces', k), (f) => f.endsWith('.txt') && !f.startsWith('_'));
  add(fixture('ingest'), (f) => f.endsWith('.txt'));
  add(fixture('synthetic'), (f) => f.endsWith('.trace') || f.endsWith('.log'));
  return out.sort();
}
