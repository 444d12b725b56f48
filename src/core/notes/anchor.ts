/**
 * Keeping notes on the right event when the trace text changed (re-captured, trimmed, edited by hand):
 * a note remembers a fingerprint of its line; on load it moves to the nearest line with the same fingerprint.
 */

import type { NoteRecord } from './types';

/** FNV-1a (32 bit) of the line with surrounding whitespace removed; short and stable across platforms. */
export function fingerprintLine(text: string): string {
  let h = 0x811c9dc5;
  const s = text.trim();
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export interface AnchorResult {
  note: NoteRecord;
  /** The line now, or the stored line when no matching line was found. */
  line: number;
  moved: boolean;
  /** The fingerprint matched nowhere within the search window: the note is shown at its old line. */
  orphaned: boolean;
}

/**
 * Re-anchors notes. `lineText(n)` returns the text of 1-based line n (undefined past the end). Searches
 * outwards from the stored line up to `window` lines each way, so an insertion elsewhere moves the note
 * along with its event without scanning a million-line file per note.
 */
export function reanchorNotes(
  notes: readonly NoteRecord[],
  lineText: (line: number) => string | undefined,
  lineCount: number,
  window = 5000,
): AnchorResult[] {
  return notes.map((note) => {
    if (!note.fingerprint) return { note, line: Math.min(note.line, Math.max(1, lineCount)), moved: false, orphaned: false };
    const at = lineText(note.line);
    if (at !== undefined && fingerprintLine(at) === note.fingerprint) return { note, line: note.line, moved: false, orphaned: false };
    for (let d = 1; d <= window; d++) {
      for (const cand of [note.line - d, note.line + d]) {
        if (cand < 1 || cand > lineCount) continue;
        const t = lineText(cand);
        if (t !== undefined && fingerprintLine(t) === note.fingerprint) return { note: { ...note, line: cand }, line: cand, moved: true, orphaned: false };
      }
      if (note.line - d < 1 && note.line + d > lineCount) break;
    }
    return { note, line: note.line, moved: false, orphaned: true };
  });
}
