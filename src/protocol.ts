/**
 * The only contract between the extension host and the analysis webviews (the custom editor and the
 * page-timeline panel). Both sides import this file; it holds types and a few pure helpers, nothing that
 * needs `vscode` or the DOM.
 *
 * Shape (as in vscode-hexeditor's shared/protocol.ts):
 * - webview → extension: `{ kind: 'request', id, method, params }`, answered by exactly one
 *   `{ kind: 'response', id, ok, result | error }`.
 * - extension → webview: unsolicited `{ kind: 'event', name, payload }` (notes changed, follow the editor).
 *
 * Level of detail: the webview always says how many pixels it has and which time window it shows; the
 * extension answers with aggregates sized for that (buckets, at most a few points per pixel), and every
 * answer is capped (see LIMITS), so no message carries millions of points.
 */

import type { AnalysisSummary } from './core/api';
import type { Finding, MissingEvidence, Severity } from './core/detect/types';
import type {
  AddressSpace,
  DomainEvent,
  DomainKind,
  LodAggregate,
  Marker,
  PageState,
  PageSummary,
  StateInterval,
} from './core/model/types';

export const PROTOCOL_VERSION = 1;

/** Hard caps on what one response may carry (the extension clamps requests to these). */
export const LIMITS = {
  /** Rate-chart buckets (one per ~2 px of a 4K-wide panel). */
  maxBuckets: 2000,
  /** Pages rows per request (the table is virtualised and asks for the visible window plus a margin). */
  maxPageRows: 500,
  /** Pages shown at once in the page timeline (rows = pages). */
  maxTimelinePages: 64,
  /** Event points per page row before they are merged per pixel column and kind. */
  maxPointsPerRow: 4000,
  /** Event points over all rows of one timeline answer. */
  maxPointsTotal: 20000,
  /** Trace markers (tracing_mark_write) listed in the overview. */
  maxMarkers: 500,
  /** Bands (migration windows / invalidation spans) per page row. */
  maxBandsPerRow: 2000,
  /** Bands over all rows of one timeline answer (each row gets its share, at least 16). */
  maxBandsTotal: 8000,
  /** State intervals over all rows of one timeline answer, once merged per pixel (each row gets its share, at least 64). */
  maxIntervalsTotal: 40000,
  /** Evidence lines per finding in a findings answer (the view lists 20; the total is sent beside them). */
  maxEvidenceLines: 200,
  /** Findings per findingsList answer (the view asks for 50 at a time). */
  maxFindingRows: 200,
  /** Points of the findings-on-the-time-axis chart (merged per pixel column and severity beyond that). */
  maxFindingPoints: 2000,
} as const;

/** A finding as the webview receives it: evidence lines capped at LIMITS.maxEvidenceLines, event ids
 * dropped (the view asks for events by line), `linesTotal` saying how many evidence lines there are. */
export type FindingView = Omit<Finding, 'eventIds'> & { linesTotal: number };

/** One point of the findings chart: a finding, or `count` findings of one severity merged into one pixel column. */
export interface FindingPoint {
  key: string;
  rule: string;
  severity: Severity;
  /** Index of the finding's title in FindingsOverview.titles (titles repeat: sent once). */
  title: number;
  fromTs: number;
  count: number;
}

/**
 * The findings of a trace at a glance, sized for a view rather than listing them all (a 1 GiB trace has
 * tens of thousands): counts per rule (in the window when one is given), and the chart's points.
 */
export interface FindingsOverview {
  total: number;
  /** Findings overlapping the window (all when no window). */
  inWindow: number;
  /** Every rule that fired, in order of its first finding; `inWindow` of them overlap the window. */
  rules: { rule: string; severity: Severity; count: number; inWindow: number }[];
  points: FindingPoint[];
  /** The distinct titles the points name. */
  titles: string[];
  /** true when points were merged per pixel column. */
  reduced: boolean;
  missingEvidence: MissingEvidence[];
}

/** One rule's findings overlapping a window, a slice at a time; `focus` is the asked-for finding wherever it is. */
export interface FindingsListResult {
  total: number;
  offset: number;
  findings: FindingView[];
  focus?: { index: number; finding: FindingView };
}

/** A time window in trace nanoseconds, [fromTs, toTs]. */
export interface TimeWindow {
  fromTs: number;
  toTs: number;
}

export type PageColumn = 'as' | 'page' | 'states' | 'final' | 'events' | 'findings';

export interface PageQuery {
  as?: AddressSpace;
  /** Address range [start, end) in bytes; pages whose start lies inside it. */
  start?: number;
  end?: number;
  /** Pages that passed through this state. */
  state?: PageState;
  /** Pages named by a finding of this rule. */
  rule?: string;
  /** Case-insensitive substring of the page address, address space, states or rules. */
  text?: string;
  sort?: { column: PageColumn; descending: boolean };
  offset: number;
  limit: number;
}

export interface PageRow extends PageSummary {
  /** Findings that name this page. */
  findings: number;
  rules: string[];
}

export interface PagesResult {
  total: number;
  offset: number;
  rows: PageRow[];
}

export interface TimelineQuery {
  as: AddressSpace;
  vpns: number[];
  /** Visible window; the whole page lifetime when absent. */
  window?: TimeWindow;
  /** Pixel width of the plot area: at most a few points per pixel column are sent. */
  width: number;
}

/** An event (or, when `count > 1`, several events of one kind merged into one pixel column). */
export interface EventPoint {
  id: number;
  line: number;
  ts: number;
  kind: DomainKind;
  summary: string;
  pid: number;
  comm: string;
  count: number;
}

/** A migration window (migrate_vma_setup → finalize) or invalidation span (range_start → range_end). */
export interface Band {
  kind: 'migration' | 'invalidation';
  fromTs: number;
  toTs: number;
  /** Event that opened the band (its line is revealed on click). */
  id: number;
  line: number;
  label: string;
}

export interface TimelineRow {
  as: AddressSpace;
  vpn: number;
  page: string;
  intervals: StateInterval[];
  points: EventPoint[];
  bands: Band[];
  /** Events of this page inside the window, before merging. */
  eventsInWindow: number;
}

export interface TimelineResult {
  rows: TimelineRow[];
  /** The window actually covered (the pages' lifetime when none was asked). */
  fromTs: number;
  toTs: number;
  /** true when points were merged per pixel column or pages were dropped by the caps. */
  reduced: boolean;
  /** vpns asked for that have no timeline in the model. */
  missing: number[];
}

export interface EventDetail {
  event: DomainEvent;
  /** The page's state just before and after the event, when asked for a page. */
  before?: PageState;
  after?: PageState;
}

/** A user note, as the webview sees it (mirror of services.ts Note without the vscode dependency). */
export interface NoteView {
  id: string;
  line: number;
  findingKey?: string;
  body: string;
  expected?: boolean;
  resolved?: boolean;
  created: string;
  updated: string;
}

export interface InitResult {
  protocol: number;
  /** File name of the trace (untrusted text). */
  traceName: string;
  summary: AnalysisSummary;
}

/** Size and latency of one answered request, for the bench and the acceptance measurements. */
export interface MessageMetric {
  method: string;
  ms: number;
  bytes: number;
}

/** Every finding as the view shows it (evidence lines capped): what findingsOverview and findingsList are cut from. */
export interface FindingViewList {
  findings: FindingView[];
  missingEvidence: MissingEvidence[];
}

/** method → params and result. */
export interface RequestMap {
  init: { params: Record<string, never>; result: InitResult };
  aggregate: { params: TimeWindow & { buckets: number }; result: LodAggregate };
  pages: { params: PageQuery; result: PagesResult };
  timeline: { params: TimelineQuery; result: TimelineResult };
  event: { params: { id: number; as?: AddressSpace; vpn?: number }; result: EventDetail | null };
  /** Counts per rule and the findings chart's points (the list itself comes in slices: findingsList). */
  findingsOverview: { params: { window?: TimeWindow; width?: number }; result: FindingsOverview };
  /** A slice of one rule's findings overlapping the window (at most LIMITS.maxFindingRows). */
  findingsList: { params: { rule: string; window?: TimeWindow; offset: number; limit: number; focusKey?: string }; result: FindingsListResult };
  /** tracing_mark_write annotations (untrusted text), in the window when given, at most LIMITS.maxMarkers. */
  markers: { params: { window?: TimeWindow }; result: { total: number; markers: Marker[] } };
  notes: { params: Record<string, never>; result: NoteView[] };
  upsertNote: {
    params: { id?: string; line: number; findingKey?: string; body: string; expected?: boolean };
    result: NoteView;
  };
  removeNote: { params: { id: string }; result: null };
  revealLine: { params: { line: number }; result: null };
  openPageTimeline: { params: { as: AddressSpace; vpns: number[] }; result: null };
  /** Page-timeline panel: the pages it shows now (asked on load, so a show sent before the script ran is not lost). */
  panelPages: { params: Record<string, never>; result: EventMap['showPages'] | null };
  /** Page-timeline panel: turn following the editor selection on or off. */
  setFollow: { params: { follow: boolean }; result: null };
  metrics: { params: Record<string, never>; result: MessageMetric[] };
  /** Opens "Create Capture Recipe…" with a missing-evidence note's rule and probe definitions included. */
  createRecipe: { params: { include: string[] }; result: null };
}

export type Method = keyof RequestMap;
export type ParamsOf<M extends Method> = RequestMap[M]['params'];
export type ResultOf<M extends Method> = RequestMap[M]['result'];

/** extension → webview notifications. */
export interface EventMap {
  notesChanged: { notes: NoteView[] };
  /** The page-timeline panel should show these pages (opened from the editor, or following it). */
  showPages: {
    /** The trace's URI (kept in the panel's state so the serializer can restore it after a reload). */
    trace: string;
    traceName: string;
    as: AddressSpace;
    vpns: number[];
    eventId?: number;
    follow: boolean;
  };
  /** The analysis could not be produced (message is user-facing). */
  failed: { message: string };
}

export type EventName = keyof EventMap;

export type RequestMessage = { [M in Method]: { kind: 'request'; id: number; method: M; params: ParamsOf<M> } }[Method];
export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };
export type EventMessage = { [E in EventName]: { kind: 'event'; name: E; payload: EventMap[E] } }[EventName];

export type ToExtension = RequestMessage;
export type ToWebview = ResponseMessage | EventMessage;

const METHODS: ReadonlySet<string> = new Set<Method>([
  'init',
  'aggregate',
  'pages',
  'timeline',
  'event',
  'findingsOverview',
  'findingsList',
  'markers',
  'notes',
  'upsertNote',
  'removeNote',
  'revealLine',
  'openPageTimeline',
  'panelPages',
  'setFollow',
  'metrics',
  'createRecipe',
]);

/** Checks the envelope of a message received from a webview (its params are checked by each handler). */
export function isRequestMessage(m: unknown): m is RequestMessage {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as { kind?: unknown; id?: unknown; method?: unknown; params?: unknown };
  return (
    r.kind === 'request' &&
    typeof r.id === 'number' &&
    Number.isSafeInteger(r.id) &&
    typeof r.method === 'string' &&
    METHODS.has(r.method) &&
    typeof r.params === 'object' &&
    r.params !== null
  );
}

/** Checks the envelope of a message received from the extension. */
export function isToWebview(m: unknown): m is ToWebview {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as { kind?: unknown; id?: unknown; name?: unknown };
  if (r.kind === 'response') return typeof r.id === 'number';
  return r.kind === 'event' && typeof r.name === 'string';
}

/** The key that identifies a page across messages and state: `as:vpn`. */
export function pageKey(as: AddressSpace, vpn: number): string {
  return `${String(as)}:${vpn}`;
}

/**
 * Parses a user-space address as typed or printed (`0x7f3a...`, `7f3a...` hex, or decimal digits only when
 * `radix` says so). Returns undefined for anything else. User addresses are < 2^57, so the value is exact
 * for every page-aligned address the kernel hands out (page numbers stay below 2^45).
 */
export function parseAddress(text: string, radix: 16 | 10 = 16): number | undefined {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  if (radix === 10) return /^\d{1,17}$/.test(t) ? Number(t) : undefined;
  const hex = t.startsWith('0x') ? t.slice(2) : t;
  if (!/^[0-9a-f]{1,15}$/.test(hex)) return undefined;
  return Number(BigInt(`0x${hex}`));
}

/** `0x7facf60de000` for a byte address. */
export function formatAddress(addr: number): string {
  return `0x${Math.floor(addr).toString(16)}`;
}
