/** Helpers for the ingest tests: write a trace text to a temp file and read it back completely. */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrace } from '../../../src/core/ingest/index';
import type { IngestSummary, RawEvent, ReadOptions } from '../../../src/core/ingest/types';

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
