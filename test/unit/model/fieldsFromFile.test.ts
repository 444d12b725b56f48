import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrace } from '../../../src/core/ingest';
import { catalogOf, ModelBuilder, probeTextsFor } from '../../../src/core/model/build';
import { FieldsFromFile } from '../../../src/core/model/fieldsFromFile';
import { fixture } from '../helpers';

/**
 * A large trace does not keep every event's fields in memory: they are read back from the file when asked.
 * What comes back must be what the reader made when it read the line (the same splitter: multi-word values
 * like `reason:flush on task switch (0)`, quoted strings, syscall arguments, kprobe heads skipped), so an
 * event shows the same fields whatever the size of its trace.
 */
async function build(file: string, keepFields: boolean) {
  const builder = new ModelBuilder(catalogOf(probeTextsFor(file, {})), { keepFields });
  const ingest = await readTrace(file, (ev) => builder.add(ev), { fields: true });
  return { model: builder.finish(keepFields || ingest.format === 'trace-dat' ? undefined : new FieldsFromFile(file, ingest.format)), ingest };
}

const captures: string[] = [];
for (const k of ['k6.1', 'k6.12']) {
  for (const f of readdirSync(fixture('traces', k))) if (/-(ftrace|ftracestack|tracecmd|perf|funcgraph)(-k[\d.]+)?\.txt$/.test(f)) captures.push(fixture('traces', k, f));
}

for (const file of captures) {
  const name = file.split('/').slice(-2).join('/');
  test(`${name}: fields and stacks read back from the file equal the ones kept at read time`, async () => {
    const kept = await build(file, true);
    const reread = await build(file, false);
    assert.equal(reread.model.eventCount, kept.model.eventCount);
    const bad: string[] = [];
    for (let id = 0; id < kept.model.eventCount; id++) {
      const a = kept.model.event(id);
      const b = reread.model.event(id);
      try {
        assert.deepEqual(b.fields, a.fields);
        assert.deepEqual(reread.model.fieldsOf(id), a.fields, 'fieldsOf: the fields alone');
        assert.deepEqual(kept.model.fieldsOf(id), a.fields);
        assert.deepEqual(b.stack ?? [], a.stack ?? []);
      } catch {
        if (bad.length < 5) bad.push(`line ${a.line} ${a.name}: kept ${JSON.stringify(a.fields)} ${JSON.stringify(a.stack)} / read back ${JSON.stringify(b.fields)} ${JSON.stringify(b.stack)}`);
        else bad.push('');
      }
    }
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} events differ`);
  });
}

test('a line longer than the first read (1 KiB) is read on to its end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-fields-'));
  try {
    const file = join(dir, 'long-ftrace.txt');
    const pad = 'f'.repeat(3000);
    const text = readFileSync(fixture('traces', 'k6.12', 'migrate_fault-ftrace-k6.12.txt'), 'utf8').replace(
      'sys_mprotect(start: 4d1000, len: 4000, prot: 1)',
      `sys_mprotect(start: 4d1000, len: 4000, prot: 1, pad: ${pad})`,
    );
    writeFileSync(file, text);
    const kept = await build(file, true);
    const reread = await build(file, false);
    let long = 0;
    for (let id = 0; id < kept.model.eventCount; id++) {
      const fields = kept.model.event(id).fields;
      if (fields.pad === pad) long++;
      assert.deepEqual(reread.model.fieldsOf(id), fields);
    }
    assert.equal(long, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
