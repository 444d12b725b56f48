/**
 * Parsing and printing of the sidecar notes file. The reader is tolerant: a hand-edited or newer file loses
 * only the entries it cannot understand (each reported), never the whole set.
 */

import { NOTES_FORMAT, NOTES_VERSION, type NoteRecord, type NotesFile } from './types';

export interface ParsedNotes {
  notes: NoteRecord[];
  warnings: string[];
}

export function parseNotes(text: string, file: string): ParsedNotes {
  const warnings: string[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const m = /position (\d+)/.exec(String(e));
    const where = m ? `:${lineOfOffset(text, Number(m[1]))}` : '';
    return { notes: [], warnings: [`${file}${where}: not valid JSON (${e instanceof Error ? e.message : String(e)}); notes not loaded`] };
  }
  // version 0 (a bare array of notes) is accepted too: it is what a user writes by hand
  const list = Array.isArray(data) ? data : isObject(data) ? data.notes : undefined;
  if (isObject(data)) {
    if (data.format !== undefined && data.format !== NOTES_FORMAT) warnings.push(`${file}: unexpected format ${JSON.stringify(data.format)}; reading notes anyway`);
    if (typeof data.version === 'number' && data.version > NOTES_VERSION) {
      warnings.push(`${file}: written by a newer hmm-trace (version ${data.version}, this one reads ${NOTES_VERSION}); unknown fields are ignored`);
    }
  }
  if (!Array.isArray(list)) return { notes: [], warnings: [...warnings, `${file}: no "notes" array; notes not loaded`] };
  const notes: NoteRecord[] = [];
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const note = toNote(raw);
    if (typeof note === 'string') warnings.push(`${file}: note #${i + 1} skipped: ${note}`);
    else if (seen.has(note.id)) warnings.push(`${file}: note #${i + 1} skipped: duplicate id ${note.id}`);
    else {
      seen.add(note.id);
      notes.push(note);
    }
  });
  return { notes, warnings };
}

export function serializeNotes(trace: string, notes: readonly NoteRecord[]): string {
  const file: NotesFile = {
    format: NOTES_FORMAT,
    version: NOTES_VERSION,
    trace,
    notes: [...notes].sort((a, b) => a.line - b.line || a.created.localeCompare(b.created)).map(clean),
  };
  return JSON.stringify(file, null, 2) + '\n';
}

/** Copies only the known fields, in a stable order, so the file diffs well under version control. */
function clean(n: NoteRecord): NoteRecord {
  const out: NoteRecord = { id: n.id, line: n.line, body: n.body, created: n.created, updated: n.updated };
  if (n.ts !== undefined) out.ts = n.ts;
  if (n.fingerprint !== undefined) out.fingerprint = n.fingerprint;
  if (n.findingKey !== undefined) out.findingKey = n.findingKey;
  if (n.expected) out.expected = true;
  if (n.resolved) out.resolved = true;
  if (n.author !== undefined) out.author = n.author;
  return out;
}

function toNote(raw: unknown): NoteRecord | string {
  if (!isObject(raw)) return 'not an object';
  const { id, line, body } = raw;
  if (typeof id !== 'string' || id === '') return 'missing "id"';
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) return `"line" must be a positive integer (got ${JSON.stringify(line)})`;
  if (typeof body !== 'string') return 'missing "body"';
  const now = new Date(0).toISOString();
  const note: NoteRecord = {
    id,
    line,
    body,
    created: typeof raw.created === 'string' ? raw.created : now,
    updated: typeof raw.updated === 'string' ? raw.updated : typeof raw.created === 'string' ? raw.created : now,
  };
  if (typeof raw.ts === 'number' && Number.isFinite(raw.ts)) note.ts = raw.ts;
  if (typeof raw.fingerprint === 'string') note.fingerprint = raw.fingerprint;
  if (typeof raw.findingKey === 'string') note.findingKey = raw.findingKey;
  if (raw.expected === true) note.expected = true;
  if (raw.resolved === true) note.resolved = true;
  if (typeof raw.author === 'string') note.author = raw.author;
  return note;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
