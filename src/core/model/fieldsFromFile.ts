/**
 * Raw fields and stacks of one event, re-read from the trace file at the event's byte offset instead of being
 * held in memory for every event of a large trace. The trace is opened read-only and never modified.
 */

import { closeSync, openSync, readSync } from 'node:fs';

const MAX_READ = 256 * 1024;

export class FieldsFromFile {
  private fd: number | undefined;

  constructor(private readonly path: string) {}

  private handle(): number {
    if (this.fd === undefined) this.fd = openSync(this.path, 'r');
    return this.fd;
  }

  read(offset: number, lineCount: number, name: string): { fields: Record<string, string>; stack?: string[] } {
    try {
      const buf = Buffer.allocUnsafe(Math.min(MAX_READ, 4096 * Math.max(1, lineCount)));
      const n = readSync(this.handle(), buf, 0, buf.length, offset);
      const lines = buf.toString('utf8', 0, n).split('\n').slice(0, Math.max(1, lineCount));
      const first = lines[0] ?? '';
      const at = first.indexOf(`${name}: `);
      const body = at >= 0 ? first.slice(at + name.length + 2) : first;
      const fields: Record<string, string> = {};
      const re = /([A-Za-z_][\w.]*)[=:]\s?("[^"]*"|[^\s,()]+)/g;
      for (let m = re.exec(body); m; m = re.exec(body)) {
        if (fields[m[1]] === undefined) fields[m[1]] = m[2].replace(/^"|"$/g, '');
      }
      const stack = lines
        .slice(1)
        .map((l) => l.trim())
        .filter((l) => l.startsWith('=>') || /^[0-9a-f]{6,}\s/i.test(l))
        .map((l) => l.replace(/^=>\s*/, ''));
      return { fields, stack: stack.length > 0 ? stack : undefined };
    } catch {
      return { fields: {} };
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
