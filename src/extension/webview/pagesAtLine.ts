/** Which pages the page-timeline panel shows for a trace line (cursor command and follow mode). No vscode. */

import type { AnalysisQueries } from '../../core/api';
import type { AddressSpace } from '../../core/model/types';
import { LIMITS } from '../../protocol';

/**
 * The pages the first event on a line touches that the trace says something about: a range event (a 2 MiB
 * CLEAR names 512 pages) shows the pages of that range with events, not the first empty ones.
 */
export async function pagesAtLine(
  queries: AnalysisQueries,
  line: number,
): Promise<{ as: AddressSpace; vpns: number[]; eventId: number } | undefined> {
  for (const ev of await queries.eventsAtLine(line)) {
    const { as, vpns } = await queries.pagesOfEvent(ev.id);
    if (vpns.length === 0) continue;
    if (vpns.length === 1) return { as, vpns, eventId: ev.id };
    const start = Math.min(...vpns) * 4096;
    const end = (Math.max(...vpns) + 1) * 4096;
    const known = await queries.pages({ as, start, end, offset: 0, limit: LIMITS.maxTimelinePages }).catch(() => undefined);
    const withEvents = known?.pages.filter((p) => p.events > 0).map((p) => p.vpn) ?? [];
    return { as, vpns: withEvents.length > 0 ? withEvents : vpns.slice(0, LIMITS.maxTimelinePages), eventId: ev.id };
  }
  return undefined;
}
