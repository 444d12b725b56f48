/** The sidecar notes format (`<trace>.hmmnotes.json`): types, tolerant parser, atomic store, re-anchoring. */

export * from './types';
export { parseNotes, serializeNotes } from './format';
export { readNotesFile, writeNotesFile, sidecarPath, SIDECAR_SUFFIX } from './store';
export { fingerprintLine, reanchorNotes, type AnchorResult } from './anchor';
