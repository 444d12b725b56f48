/**
 * Finds the probe definitions a user saved next to a trace: `<trace>.kprobe_events`, `<stem>.kprobe_events`,
 * `kprobe_events`, `kprobe_events.txt`, `dynamic_events`, `*.kprobe_events`, `*kprobe_events.txt`.
 * Reading them is cheap (they are a few KiB); a definitions file is never required.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const MAX_DEFINITION_BYTES = 4 * 1024 * 1024;

export function discoverProbeFiles(tracePath: string): string[] {
  const dir = dirname(tracePath);
  const base = basename(tracePath);
  const stem = base.replace(/\.[^.]*$/, '');
  const exact = [`${base}.kprobe_events`, `${stem}.kprobe_events`, `${base}.dynamic_events`, `${stem}.dynamic_events`];
  const generic = ['kprobe_events', 'kprobe_events.txt', 'dynamic_events', 'dynamic_events.txt'];
  const found: string[] = [];
  const add = (p: string) => {
    try {
      if (!found.includes(p) && existsSync(p) && statSync(p).isFile() && statSync(p).size <= MAX_DEFINITION_BYTES) found.push(p);
    } catch {
      // unreadable candidates are simply not definitions
    }
  };
  for (const n of exact) add(join(dir, n));
  if (found.length > 0) return found;
  for (const n of generic) add(join(dir, n));
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const n of names.sort()) {
    if (n.endsWith('.kprobe_events') || n.endsWith('kprobe_events.txt') || n.endsWith('dynamic_events.txt')) add(join(dir, n));
  }
  return found;
}

export function readDefinitionFile(path: string): string {
  const st = statSync(path);
  if (st.size > MAX_DEFINITION_BYTES) throw new Error(`${path}: probe definitions file larger than 4 MiB`);
  return readFileSync(path, 'utf8');
}
