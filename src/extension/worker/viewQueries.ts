/**
 * The webview-shaped queries the worker answers besides AnalysisQueries (viewIndex.ts answers them). The
 * extension's query proxy offers every name in messages.ts QUERY_METHODS, these included, so the webview's
 * request handler calls them when present and falls back to AnalysisQueries (an in-memory analysis in
 * tests) when not. Types and one pure helper only: no model code, so the extension bundle stays small.
 */

import type { Finding, MissingEvidence } from '../../core/detect/types';
import type { Marker } from '../../core/model/types';
import { LIMITS, type FindingView, type FindingsListResult, type FindingsOverview, type PageQuery, type PagesResult, type ParamsOf, type TimeWindow, type TimelineQuery, type TimelineResult } from '../../protocol';
import { CAPS } from './caps';

export interface ViewQueries {
  /** One slice of the filtered, sorted Pages table. */
  pageView(q: PageQuery): Promise<PagesResult>;
  /** Findings as the view shows them: evidence capped at LIMITS.maxEvidenceLines, event ids dropped. */
  findingViews(): Promise<{ findings: FindingView[]; missingEvidence: MissingEvidence[] }>;
  /** Markers in a window (all when none), at most LIMITS.maxMarkers, with how many there are. */
  markersIn(window?: TimeWindow): Promise<{ total: number; markers: Marker[] }>;
  /** Counts per rule and the findings chart's points for a window and pixel width. */
  findingsOverview(window: TimeWindow | undefined, width: number): Promise<FindingsOverview>;
  /** A slice of one rule's findings overlapping a window. */
  findingsList(q: FindingsListQuery): Promise<FindingsListResult>;
  /** Page-timeline rows sized for the pixel width, from the pages' full timelines kept in the worker. */
  timelineView(q: TimelineQuery): Promise<TimelineResult>;
}

export type FindingsListQuery = ParamsOf<'findingsList'>;

/** The findings as the view lists them: the first CAPS.findings, evidence lines capped, event ids dropped. */
export function findingViews(findings: readonly Finding[]): FindingView[] {
  return findings.slice(0, CAPS.findings).map(({ eventIds: _ids, ...f }) => ({ ...f, lines: f.lines.slice(0, LIMITS.maxEvidenceLines), linesTotal: f.lines.length }));
}
