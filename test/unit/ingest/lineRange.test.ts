import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachLine } from '../../../src/core/ingest/lineReader';

async function lines(file: string, range?: { start: number; end: number }, chunkSize?: number): Promise<{ text: string; line: number; offset: number }[]> {
  const out: { text: string; line: number; offset: number }[] = [];
  await forEachLine(file, (buf, s, e, line, offset) => out.push({ text: buf.toString('utf8', s, e), line, offset }), { range, chunkSize });
  return out;
}

test('a byte range of line starts reads exactly those lines, numbered from the range, with file offsets', async () => {
  const text = Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}`).join('\n') + '\n';
  const file = join(mkdtempSync(join(tmpdir(), 'hmm-range-')), 'lines.txt');
  writeFileSync(file, text);
  const all = await lines(file);
  for (const [from, to] of [[0, 10], [10, 500], [123, 124], [250, 500], [0, 500]]) {
    const start = all[from].offset;
    const end = to < all.length ? all[to].offset : text.length;
    // small chunks so the range spans many reads and carries lines across them
    const part = await lines(file, { start, end }, 4096);
    assert.deepEqual(part.map((l) => l.text), all.slice(from, to).map((l) => l.text));
    assert.deepEqual(part.map((l) => l.offset), all.slice(from, to).map((l) => l.offset));
    assert.deepEqual(part.map((l) => l.line), all.slice(from, to).map((_l, i) => i + 1));
  }
});
