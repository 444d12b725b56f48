/**
 * The sidecar notes format: the user's own annotations on trace lines, kept in `<trace file>.hmmnotes.json`
 * beside the trace (the trace itself is never written). vscode-free: the extension, the CLI and reports use it.
 */

export const NOTES_FORMAT = 'hmm-trace-notes';
/** Bumped on incompatible changes; readers keep what they understand of newer versions. */
export const NOTES_VERSION = 1;

export interface NoteRecord {
  id: string;
  /** 1-based line of the event the note is attached to. */
  line: number;
  /** Event timestamp (integer ns) and a fingerprint of the line's text, to re-anchor the note if lines moved. */
  ts?: number;
  fingerprint?: string;
  /** Finding key (detect/types Finding.key) when the note is about a finding. */
  findingKey?: string;
  body: string;
  /** Marks the finding as expected: listed as suppressed, never deleted. */
  expected?: boolean;
  resolved?: boolean;
  author?: string;
  /** ISO 8601 */
  created: string;
  updated: string;
}

export interface NotesFile {
  format: typeof NOTES_FORMAT;
  version: number;
  /** Base name of the trace the notes belong to (informative; the sidecar's own name is what binds them). */
  trace: string;
  notes: NoteRecord[];
}

export interface NotesReadResult {
  notes: NoteRecord[];
  /** Problems the tolerant reader skipped over, each naming the file (and note index). */
  warnings: string[];
  /** true when an interrupted write (complete temp file, never renamed) was recovered. */
  recovered: boolean;
}
