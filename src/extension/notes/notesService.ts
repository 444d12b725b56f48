/**
 * NotesService over the sidecar file `<trace>.hmmnotes.json` (src/core/notes): cached per trace, saved
 * atomically before a change resolves, writes to one trace serialised, reloaded when the file changes on
 * disk (another window, git checkout, hand edit), and re-anchored to their event lines when the trace is
 * open as text.
 */

import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { fingerprintLine, readNotesFile, reanchorNotes, writeNotesFile, SIDECAR_SUFFIX, type NoteRecord } from '../../core/notes';
import type { Note, NotesService } from '../services';

export class SidecarNotesService implements NotesService, vscode.Disposable {
  private readonly cache = new Map<string, Promise<NoteRecord[]>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** Sidecar writes of our own, so the file watcher does not reload what we just wrote. */
  private readonly ownWrites = new Map<string, number>();
  private readonly warn: (msg: string) => void;

  constructor(warn?: (msg: string) => void) {
    this.warn = warn ?? ((m) => void vscode.window.showWarningMessage(m));
    const watcher = vscode.workspace.createFileSystemWatcher(`**/*${SIDECAR_SUFFIX}`);
    const changed = (sidecar: vscode.Uri): void => {
      const trace = vscode.Uri.file(sidecar.fsPath.slice(0, -SIDECAR_SUFFIX.length));
      const k = trace.toString();
      const own = this.ownWrites.get(k);
      if (own !== undefined && Date.now() - own < 1500) return;
      if (this.cache.delete(k)) this.emitter.fire(trace);
    };
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
  }

  async list(trace: vscode.Uri): Promise<Note[]> {
    const notes = await this.load(trace);
    return this.anchored(trace, notes);
  }

  async upsert(trace: vscode.Uri, input: Omit<Note, 'id' | 'created' | 'updated'> & { id?: string }): Promise<Note> {
    if (!(input.line >= 1)) throw new Error('HMM Trace: a note needs a line (1-based)');
    if (input.fingerprint === undefined) {
      // notes from the webview or the tree come without one: take it from the open trace, so the note can
      // follow its event when lines move
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === trace.toString());
      if (doc && input.line <= doc.lineCount) input = { ...input, fingerprint: fingerprintLine(doc.lineAt(input.line - 1).text) };
    }
    return this.mutate(trace, (notes) => {
      const now = new Date().toISOString();
      const i = input.id ? notes.findIndex((n) => n.id === input.id) : -1;
      const base: NoteRecord = i >= 0 ? notes[i] : { id: input.id ?? randomUUID(), line: input.line, body: '', created: now, updated: now, author: author() };
      const next: NoteRecord = { ...base, ...stripUndefined(input), id: base.id, created: base.created, updated: now };
      if (!input.expected) delete next.expected;
      if (!input.resolved) delete next.resolved;
      if (i >= 0) notes[i] = next;
      else notes.push(next);
      return { notes, result: next };
    });
  }

  async remove(trace: vscode.Uri, id: string): Promise<void> {
    await this.mutate(trace, (notes) => ({ notes: notes.filter((n) => n.id !== id), result: undefined }));
  }

  private load(trace: vscode.Uri): Promise<NoteRecord[]> {
    const k = trace.toString();
    let p = this.cache.get(k);
    if (!p) {
      p = readNotesFile(trace.fsPath).then((r) => {
        for (const w of r.warnings) this.warn(`HMM Trace notes: ${w}`);
        return r.notes;
      });
      this.cache.set(k, p);
      p.catch(() => this.cache.delete(k));
    }
    return p;
  }

  /** Read the file fresh (another window may have written it), apply the change, write atomically. */
  private mutate<T>(trace: vscode.Uri, change: (notes: NoteRecord[]) => { notes: NoteRecord[]; result: T }): Promise<T> {
    if (trace.scheme !== 'file') return Promise.reject(new Error(`HMM Trace: notes are kept beside local trace files; ${trace.toString()} is not one`));
    const k = trace.toString();
    const run = async (): Promise<T> => {
      const fresh = await readNotesFile(trace.fsPath);
      const { notes, result } = change([...fresh.notes]);
      this.ownWrites.set(k, Date.now());
      await writeNotesFile(trace.fsPath, notes);
      this.cache.set(k, Promise.resolve(notes));
      this.emitter.fire(trace);
      return result;
    };
    const prev = this.queues.get(k) ?? Promise.resolve();
    const next = prev.then(run, run);
    this.queues.set(k, next.catch(() => undefined));
    return next;
  }

  private anchored(trace: vscode.Uri, notes: NoteRecord[]): Note[] {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === trace.toString());
    if (!doc || !notes.some((n) => n.fingerprint)) return notes.map((n) => ({ ...n }));
    return reanchorNotes(notes, (l) => (l >= 1 && l <= doc.lineCount ? doc.lineAt(l - 1).text : undefined), doc.lineCount).map((r) => ({ ...r.note }));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function author(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
