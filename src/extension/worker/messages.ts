/**
 * Messages between the extension host and the analysis worker thread. Request/response with ids; the
 * worker keeps each finished Analysis under a key and answers queries against it, so the model (typed
 * arrays, interval index) never crosses the thread boundary, only bounded answers do.
 */

import type { AnalysisQueries, AnalysisSummary } from '../../core/api';
import type { NoteRecord } from '../../core/notes/types';
import type { ViewQueries } from './viewQueries';

/** AnalyzeOptions without the callbacks (those cannot cross a thread boundary). */
export interface WorkerAnalyzeOptions {
  probeDefinitions?: string[];
  fieldAliases?: Record<string, string[]>;
  thresholds?: Record<string, number>;
  discoverProbes?: boolean;
  chunkSize?: number;
}

/** AnalysisQueries plus the webview-shaped ones (viewIndex.ts); the extension's proxy offers every name in QUERY_METHODS. */
export type QueryMethod = keyof AnalysisQueries | keyof ViewQueries;
export type ReportFormat = 'markdown' | 'sarif' | 'json';

export type WorkerRequest =
  | { type: 'analyze'; id: number; file: string; options: WorkerAnalyzeOptions }
  | { type: 'cancel'; id: number }
  | { type: 'query'; id: number; key: string; method: QueryMethod; args: unknown[] }
  | { type: 'editorData'; id: number; key: string }
  | { type: 'report'; id: number; key: string; format: ReportFormat; notes: NoteRecord[] }
  | { type: 'release'; key: string };

export type WorkerResponse =
  | { type: 'progress'; id: number; bytesDone: number; bytesTotal: number }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; cancelled?: boolean };

export interface AnalyzeResult {
  key: string;
  summary: AnalysisSummary;
  warnings: string[];
}

export const QUERY_METHODS: readonly QueryMethod[] = [
  'summary',
  'findings',
  'event',
  'eventsAtLine',
  'eventsInWindow',
  'aggregate',
  'pages',
  'pagesOfEvent',
  'timeline',
  'stateAround',
  'spanOf',
  'addressSpaces',
  'migrations',
  'invalidations',
  'markers',
  'pageView',
  'findingViews',
  'markersIn',
  'findingsOverview',
  'findingsList',
  'timelineView',
];
