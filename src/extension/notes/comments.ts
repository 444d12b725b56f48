/**
 * Notes as comment threads on trace lines (Comments API): one thread per annotated line, one comment per
 * note, a Resolve/Reopen state, edit and delete. Every change goes through the NotesService, so the
 * sidecar file stays the single source of truth and the threads are rebuilt from it.
 */

import * as vscode from 'vscode';
import type { Note } from '../services';
import type { SidecarNotesService } from './notesService';
import { fingerprintLine } from '../../core/notes';
import { isTraceDocument } from '../editor/traceDocuments';

class NoteComment implements vscode.Comment {
  mode = vscode.CommentMode.Preview;
  body: string | vscode.MarkdownString;
  author: vscode.CommentAuthorInformation;
  label: string | undefined;
  timestamp: Date;
  contextValue = 'note';

  constructor(
    readonly note: Note,
    readonly trace: vscode.Uri,
    readonly thread: vscode.CommentThread,
  ) {
    this.body = note.body;
    this.author = { name: note.author ?? 'note' };
    this.label = note.expected ? 'expected' : undefined;
    this.timestamp = new Date(note.updated);
  }
}

interface Reply {
  thread: vscode.CommentThread;
  text: string;
}

export class NoteThreads implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController('hmmTrace.notes', 'HMM Trace notes');
  private readonly threads = new Map<string, vscode.CommentThread[]>();
  private readonly disposables: vscode.Disposable[] = [this.controller];

  constructor(private readonly notes: SidecarNotesService) {
    this.controller.options = { prompt: 'Add a note to this event line', placeHolder: 'What is this invalidation or migration doing here?' };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (doc) => (isTraceDocument(doc) && doc.lineCount > 0 ? [new vscode.Range(0, 0, doc.lineCount - 1, 0)] : []),
    };
    this.disposables.push(
      notes.onDidChange((uri) => void this.sync(uri)),
      vscode.workspace.onDidOpenTextDocument((d) => isTraceDocument(d) && void this.sync(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      vscode.commands.registerCommand('hmmTrace.notes.create', (r: Reply) => this.add(r)),
      vscode.commands.registerCommand('hmmTrace.notes.reply', (r: Reply) => this.add(r)),
      vscode.commands.registerCommand('hmmTrace.notes.edit', (c: NoteComment) => this.setMode(c, vscode.CommentMode.Editing)),
      vscode.commands.registerCommand('hmmTrace.notes.cancel', (c: NoteComment) => {
        c.body = c.note.body;
        this.setMode(c, vscode.CommentMode.Preview);
      }),
      vscode.commands.registerCommand('hmmTrace.notes.save', async (c: NoteComment) => {
        const body = typeof c.body === 'string' ? c.body : c.body.value;
        await this.notes.upsert(c.trace, { ...c.note, body });
      }),
      vscode.commands.registerCommand('hmmTrace.notes.delete', async (c: NoteComment) => {
        await this.notes.remove(c.trace, c.note.id);
      }),
      vscode.commands.registerCommand('hmmTrace.notes.resolve', (t: vscode.CommentThread) => this.setResolved(t, true)),
      vscode.commands.registerCommand('hmmTrace.notes.unresolve', (t: vscode.CommentThread) => this.setResolved(t, false)),
    );
    for (const d of vscode.workspace.textDocuments) if (isTraceDocument(d)) void this.sync(d.uri);
  }

  private async add(reply: Reply): Promise<void> {
    const uri = reply.thread.uri;
    const line = (reply.thread.range?.start.line ?? 0) + 1;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const fingerprint = doc && line <= doc.lineCount ? fingerprintLine(doc.lineAt(line - 1).text) : undefined;
    const text = reply.text.trim();
    if (!text) return;
    const isNew = reply.thread.comments.length === 0;
    await this.notes.upsert(uri, { line, fingerprint, body: text });
    // the new note comes back through sync(); the empty thread VS Code created for the input goes away
    if (isNew) reply.thread.dispose();
  }

  private setMode(c: NoteComment, mode: vscode.CommentMode): void {
    c.mode = mode;
    c.thread.comments = c.thread.comments.map((x) => x);
  }

  private async setResolved(thread: vscode.CommentThread, resolved: boolean): Promise<void> {
    for (const c of thread.comments) {
      if (c instanceof NoteComment) await this.notes.upsert(c.trace, { ...c.note, resolved });
    }
  }

  private clear(uri: vscode.Uri): void {
    for (const t of this.threads.get(uri.toString()) ?? []) t.dispose();
    this.threads.delete(uri.toString());
  }

  async sync(uri: vscode.Uri): Promise<void> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && isTraceDocument(d));
    if (!doc) return;
    const notes = await this.notes.list(uri);
    this.clear(uri);
    const byLine = new Map<number, Note[]>();
    for (const n of notes) {
      const l = Math.min(Math.max(1, n.line), doc.lineCount);
      byLine.set(l, [...(byLine.get(l) ?? []), n]);
    }
    const threads: vscode.CommentThread[] = [];
    for (const [line, list] of byLine) {
      const range = new vscode.Range(line - 1, 0, line - 1, 0);
      const thread = this.controller.createCommentThread(uri, range, []);
      thread.comments = list.map((n) => new NoteComment(n, uri, thread));
      const resolved = list.every((n) => n.resolved);
      thread.state = resolved ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
      thread.contextValue = resolved ? 'resolved' : 'unresolved';
      thread.label = list.some((n) => n.expected) ? 'HMM Trace note (finding expected)' : 'HMM Trace note';
      thread.canReply = true;
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
      threads.push(thread);
    }
    this.threads.set(uri.toString(), threads);
  }

  dispose(): void {
    for (const list of this.threads.values()) for (const t of list) t.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
