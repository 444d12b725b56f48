/** Parsing the Pages tab's address-range filter. Pure (unit-tested). */

import { parseAddress } from '../../src/protocol';

/** `0x7f00-0x7fff`, `0x7f00..0x7fff`, or a single address (its page). */
export function parseRange(text: string): { start?: number; end?: number } | undefined {
  const t = text.trim();
  if (!t) return {};
  const parts = t.split(/\s*(?:-|\.\.|–)\s*/);
  if (parts.length === 1) {
    const a = parseAddress(parts[0]);
    if (a === undefined) return undefined;
    const page = Math.floor(a / 4096) * 4096;
    return { start: page, end: page + 4096 };
  }
  if (parts.length !== 2) return undefined;
  const a = parts[0] ? parseAddress(parts[0]) : undefined;
  const b = parts[1] ? parseAddress(parts[1]) : undefined;
  if ((parts[0] && a === undefined) || (parts[1] && b === undefined)) return undefined;
  return { start: a, end: b };
}
