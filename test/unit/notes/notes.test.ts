/** The sidecar notes file: tolerant reading, atomic writes, crash recovery, re-anchoring after edits. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintLine, parseNotes, readNotesFile, reanchorNotes, serializeNotes, sidecarPath, writeNotesFile, type NoteRecord } from '../../../src/core/notes';
import { fixture } from '../helpers';

function tempTrace(): { dir: string; trace: string; original: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'hmmnotes-'));
  const trace = join(dir, 'migrate_fault-ftrace.txt');
  copyFileSync(fixture('traces', 'k6.1', 'migrate_fault-ftrace.txt'), trace);
  return { dir, trace, original: readFileSync(trace) };
}

function note(id: string, line: number, extra: Partial<NoteRecord> = {}): NoteRecord {
  return { id, line, body: `note ${id}`, created: '2026-11-21T05:00:00.000Z', updated: '2026-11-21T05:00:00.000Z', ...extra };
}

test('notes round-trip through <trace>.hmmnotes.json and the trace is never touched', async () => {
  const { dir, trace, original } = tempTrace();
  try {
    const notes = [note('b', 97, { expected: true, findingKey: 'invalidation/self-during-migration|116|0x7fb2c11d8000|120' }), note('a', 73, { resolved: true, ts: 5083349000 })];
    const path = await writeNotesFile(trace, notes);
    assert.equal(path, sidecarPath(trace));
    assert.ok(path.endsWith('migrate_fault-ftrace.txt.hmmnotes.json'));
    const back = await readNotesFile(trace);
    assert.deepEqual(back.warnings, []);
    assert.deepEqual(back.notes.map((n) => n.id), ['a', 'b'], 'sorted by line');
    assert.equal(back.notes[1].expected, true);
    assert.equal(back.notes[0].ts, 5083349000);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(json.version, 1);
    assert.equal(json.format, 'hmm-trace-notes');
    assert.deepEqual(readFileSync(trace), original);
    assert.deepEqual(readdirSync(dir).sort(), ['migrate_fault-ftrace.txt', 'migrate_fault-ftrace.txt.hmmnotes.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crash between write and rename leaves the previous notes intact, and the complete temp is recovered', async () => {
  const { dir, trace } = tempTrace();
  try {
    await writeNotesFile(trace, [note('old', 10)]);
    const before = readFileSync(sidecarPath(trace), 'utf8');
    await assert.rejects(
      writeNotesFile(trace, [note('old', 10), note('new', 20)], {
        beforeRename: () => {
          throw new Error('simulated crash');
        },
      }),
      /simulated crash/,
    );
    // the sidecar is exactly the old file, the new content sits in a temp beside it
    assert.equal(readFileSync(sidecarPath(trace), 'utf8'), before);
    const temps = readdirSync(dir).filter((n) => n.includes('.tmp-'));
    assert.equal(temps.length, 1);
    // a temp that was fully written and fsynced is newer than the sidecar: the next read promotes it
    const past = new Date(Date.now() - 10000);
    utimesSync(sidecarPath(trace), past, past);
    const back = await readNotesFile(trace, { settleMs: 0 });
    assert.equal(back.recovered, true);
    assert.deepEqual(back.notes.map((n) => n.id), ['old', 'new']);
    assert.equal(readdirSync(dir).filter((n) => n.includes('.tmp-')).length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn temp file (crash during the write) is discarded and the old notes stay', async () => {
  const { dir, trace } = tempTrace();
  try {
    await writeNotesFile(trace, [note('keep', 5)]);
    const torn = `${sidecarPath(trace)}.tmp-999-deadbeef`;
    writeFileSync(torn, '{"format":"hmm-trace-notes","version":1,"notes":[{"id":"x","li');
    const past = new Date(Date.now() - 10000);
    utimesSync(sidecarPath(trace), past, past);
    const back = await readNotesFile(trace, { settleMs: 0 });
    assert.equal(back.recovered, false);
    assert.deepEqual(back.notes.map((n) => n.id), ['keep']);
    assert.equal(existsSync(torn), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no sidecar means no notes and no warning', async () => {
  const { dir, trace } = tempTrace();
  try {
    assert.deepEqual(await readNotesFile(trace), { notes: [], warnings: [], recovered: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the reader is tolerant: bad entries are skipped with a reason, good ones kept', () => {
  const text = JSON.stringify({
    format: 'hmm-trace-notes',
    version: 7,
    notes: [
      { id: 'ok', line: 3, body: 'fine', created: 'c', updated: 'u', futureField: 1 },
      { id: 'noline', body: 'x' },
      { id: 'ok', line: 4, body: 'duplicate id' },
      'garbage',
      { id: 'neg', line: -2, body: 'x' },
    ],
  });
  const r = parseNotes(text, 'x.hmmnotes.json');
  assert.deepEqual(r.notes.map((n) => n.id), ['ok']);
  assert.equal(r.warnings.length, 5);
  assert.match(r.warnings[0], /newer hmm-trace \(version 7/);
  assert.match(r.warnings[1], /note #2 skipped: "line"/);
  assert.match(r.warnings[2], /duplicate id ok/);
});

test('invalid JSON gives one warning naming the file and line, not an exception', () => {
  const r = parseNotes('{\n  "notes": [\n    {,}\n  ]\n}', '/t/a.trace.hmmnotes.json');
  assert.deepEqual(r.notes, []);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /^\/t\/a\.trace\.hmmnotes\.json:3: not valid JSON/);
});

test('a bare array of notes (hand-written) is accepted', () => {
  const r = parseNotes('[{"id":"h","line":1,"body":"by hand"}]', 'f');
  assert.equal(r.notes[0].body, 'by hand');
  assert.deepEqual(r.warnings, []);
});

test('serialization is stable and drops unknown fields', () => {
  const n = { ...note('z', 2), extra: 'dropped' } as NoteRecord;
  const s = serializeNotes('t.trace', [n]);
  assert.ok(!s.includes('dropped'));
  assert.equal(s, serializeNotes('t.trace', [note('z', 2)]));
});

test('notes follow their event line when lines are inserted above it (edits elsewhere)', () => {
  const lines = readFileSync(fixture('traces', 'k6.1', 'migrate_fault-ftrace.txt'), 'utf8').split('\n');
  const target = 97; // the `ioctl MIGRATE_TO_DEV begin` marker
  const n = note('m', target, { fingerprint: fingerprintLine(lines[target - 1]) });
  const edited = [...lines.slice(0, 20), '# inserted 1', '# inserted 2', '# inserted 3', ...lines.slice(20)];
  const [r] = reanchorNotes([n], (l) => edited[l - 1], edited.length);
  assert.equal(r.moved, true);
  assert.equal(r.line, target + 3);
  assert.match(edited[r.line - 1], /MIGRATE_TO_DEV begin/);
  const [same] = reanchorNotes([n], (l) => lines[l - 1], lines.length);
  assert.deepEqual([same.moved, same.orphaned, same.line], [false, false, target]);
  const [gone] = reanchorNotes([n], (l) => (l === target ? 'something else' : lines[l - 1] === lines[target - 1] ? 'x' : lines[l - 1]), lines.length);
  assert.equal(gone.orphaned, true);
  assert.equal(gone.line, target);
});
