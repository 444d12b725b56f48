/**
 * Reading and writing `<trace>.hmmnotes.json`. Writes are atomic: the whole file goes to a temp file in the
 * same directory, is fsynced, then renamed over the sidecar (rename within one filesystem is atomic on POSIX
 * and on NTFS), and the directory is fsynced so the rename survives a power cut. A crash at any point leaves
 * either the old sidecar or the new one, never a torn file. A temp that was fully written but not renamed
 * (crash between fsync and rename) is recovered on the next read.
 */

import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseNotes, serializeNotes } from './format';
import type { NoteRecord, NotesReadResult } from './types';

export const SIDECAR_SUFFIX = '.hmmnotes.json';
const TEMP_INFIX = '.tmp-';

export function sidecarPath(tracePath: string): string {
  return tracePath + SIDECAR_SUFFIX;
}

export interface WriteHooks {
  /** Runs after the temp file is written and fsynced, before the rename (tests use it to simulate a crash). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

export async function writeNotesFile(tracePath: string, notes: readonly NoteRecord[], hooks: WriteHooks = {}): Promise<string> {
  const target = sidecarPath(tracePath);
  const temp = `${target}${TEMP_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(temp, 'wx', 0o644);
  try {
    await fh.writeFile(serializeNotes(basename(tracePath), notes), 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await hooks.beforeRename?.(temp);
  await rename(temp, target);
  await syncDirectory(dirname(target));
  return target;
}

export interface ReadOptions {
  /** Temp files younger than this may belong to a writer that is still running: left alone. Default 2000 ms. */
  settleMs?: number;
}

export async function readNotesFile(tracePath: string, opts: ReadOptions = {}): Promise<NotesReadResult> {
  const target = sidecarPath(tracePath);
  const settleMs = opts.settleMs ?? 2000;
  const mainStat = await stat(target).catch(() => undefined);
  let recovered = false;
  const warnings: string[] = [];
  const now = Date.now();
  for (const temp of await listTemps(target)) {
    if (now - temp.mtimeMs < settleMs) continue;
    if (!recovered && (!mainStat || temp.mtimeMs > mainStat.mtimeMs)) {
      const text = await readFile(temp.path, 'utf8').catch(() => '');
      const parsed = parseNotes(text, temp.path);
      // a complete temp parses; a torn one (crash during the write) does not and is discarded
      if (text.endsWith('\n') && parsed.warnings.length === 0) {
        await rename(temp.path, target);
        await syncDirectory(dirname(target));
        recovered = true;
        warnings.push(`${target}: recovered notes from an interrupted save (${basename(temp.path)})`);
        continue;
      }
    }
    await unlink(temp.path).catch(() => undefined);
  }
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { notes: [], warnings, recovered };
    return { notes: [], warnings: [...warnings, `${target}: cannot read (${(e as Error).message})`], recovered };
  }
  const parsed = parseNotes(text, target);
  return { notes: parsed.notes, warnings: [...warnings, ...parsed.warnings], recovered };
}

async function listTemps(target: string): Promise<{ path: string; mtimeMs: number }[]> {
  const dir = dirname(target);
  const prefix = basename(target) + TEMP_INFIX;
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: { path: string; mtimeMs: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s?.isFile()) out.push({ path: join(dir, name), mtimeMs: s.mtimeMs });
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

async function syncDirectory(dir: string): Promise<void> {
  // POSIX needs the directory fsynced for the rename to be durable; Windows cannot open directories: skip.
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* not supported here */
  }
}
