/**
 * Findings tab: findings grouped by rule, each with its severity, message, explanation, the pages it
 * names (→ page timeline), the evidence lines (→ the trace editor), and the user's notes, added and edited
 * inline and saved by the extension into the `<trace>.hmmnotes.json` sidecar. Rules that could not decide
 * because an event was not captured are listed with the probes that would let them.
 */

import type { MissingEvidence } from '../../src/core/detect/types';
import { LIMITS, parseAddress, type FindingView as Finding, type FindingsOverview, type NoteView } from '../../src/protocol';
import { el, icon, replace } from '../lib/dom';
import { formatDuration, formatTs } from '../lib/format';
import { request } from '../lib/rpc';
import { current, subscribe } from '../lib/store';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const SEVERITY_ICON = { error: 'error', warning: 'warning', info: 'info' } as const;
const EVIDENCE_SHOWN = 20;
const FINDINGS_PAGE = 50;

/** One rule's findings in the current window: the first ones fetched so far, and the focused one. */
interface RuleList {
  total: number;
  items: Finding[];
  focus?: { index: number; finding: Finding };
}

export class FindingsView {
  readonly root = el('div', { class: 'findings', role: 'region', 'aria-label': 'Findings' });
  private overview: FindingsOverview | undefined;
  private readonly lists = new Map<string, RuleList>();
  private missing: MissingEvidence[] = [];
  private notes: NoteView[] = [];
  private editing = new Set<string>();
  private readonly shownPerRule = new Map<string, number>();
  private loadSeq = 0;

  constructor() {
    subscribe((_s, changed) => {
      // a new window or a finding picked on the chart: ask again (the picked one may not be loaded yet)
      if (changed.has('window') || changed.has('focusFinding')) void this.reload();
    });
  }

  async load(): Promise<void> {
    const [notes] = await Promise.all([request('notes', {}).catch(() => [] as NoteView[]), this.reload()]);
    this.notes = notes;
    this.render();
  }

  setNotes(notes: NoteView[]): void {
    this.notes = notes;
    this.render();
  }

  /**
   * Counts per rule for the window, then each rule's first findings (50, or as many as "Show more" asked
   * for) and the focused one: bounded answers, however many findings the trace has.
   */
  private async reload(): Promise<void> {
    const seq = ++this.loadSeq;
    const window = current().window;
    const focusKey = current().focusFinding;
    const overview = await request('findingsOverview', { window, width: 1 });
    const lists = new Map<string, RuleList>();
    await Promise.all(
      overview.rules
        .filter((r) => r.inWindow > 0)
        .map(async (r) => {
          const want = Math.min(r.inWindow, this.shownPerRule.get(r.rule) ?? FINDINGS_PAGE);
          const list: RuleList = { total: r.inWindow, items: [] };
          do {
            const got = await request('findingsList', { rule: r.rule, window, offset: list.items.length, limit: Math.min(LIMITS.maxFindingRows, want - list.items.length), focusKey });
            list.total = got.total;
            list.items.push(...got.findings);
            list.focus ??= got.focus;
            if (got.findings.length === 0) break;
          } while (list.items.length < Math.min(want, list.total));
          lists.set(r.rule, list);
        }),
    );
    if (seq !== this.loadSeq) return;
    this.overview = overview;
    this.missing = overview.missingEvidence;
    this.lists.clear();
    for (const [rule, list] of lists) this.lists.set(rule, list);
    this.render();
  }

  render(): void {
    const ov = this.overview;
    if (!ov) return;
    const w = current().window;
    const rules = ov.rules.filter((r) => r.inWindow > 0);
    const head = el(
      'p',
      { class: 'hint', role: 'status' },
      ov.inWindow === 0
        ? ov.total === 0
          ? 'No findings: no rule saw a refcount stall or a spurious invalidation in this trace.'
          : 'No findings in the selected time window.'
        : `${plural(ov.inWindow, 'finding')} in ${plural(rules.length, 'rule')}${w ? ` between ${formatTs(w.fromTs)} and ${formatTs(w.toTs)}` : ''}.`,
    );
    const focus = current().focusFinding;
    const groups = rules.map(({ rule, severity }) => {
      // a rule can fire thousands of times on a big trace: show a page of them, more on request (and
      // always the finding picked on the findings timeline, after the first ones when it lies further)
      const list = this.lists.get(rule) ?? { total: 0, items: [] };
      const shownHere = list.items;
      const more = list.total - shownHere.length;
      const moreButton = more > 0 ? el('vscode-button', { secondary: true, class: 'more-findings' }, `Show ${Math.min(more, FINDINGS_PAGE)} more of ${more}`) : null;
      moreButton?.addEventListener('click', () => {
        this.shownPerRule.set(rule, shownHere.length + FINDINGS_PAGE);
        void this.reload();
      });
      const picked = focus && list.focus && list.focus.index >= shownHere.length ? list.focus : undefined;
      return el(
        'section',
        { class: 'rule-group', 'aria-label': rule, 'data-rule': rule },
        el('h2', {}, icon(SEVERITY_ICON[shownHere[0]?.severity ?? severity]), ` ${rule} `, el('vscode-badge', {}, String(list.total))),
        el(
          'ul',
          { class: 'finding-list' },
          ...shownHere.map((f) => this.findingItem(f)),
          picked ? el('li', { class: 'finding-gap', 'aria-hidden': 'true' }, `… finding ${picked.index + 1} of ${list.total}:`) : null,
          picked ? this.findingItem(picked.finding) : null,
        ),
        moreButton,
      );
    });
    replace(this.root, head, ...groups, this.missingSection());
    this.focusFinding();
  }

  private findingItem(f: Finding): HTMLElement {
    const pages = f.pages.slice(0, 8).map((p) => {
      const b = el('button', { type: 'button', class: 'link', title: `Show the timeline of page ${p}` }, p);
      b.addEventListener('click', () => {
        const addr = parseAddress(p);
        if (addr !== undefined && f.as !== null) void request('openPageTimeline', { as: f.as, vpns: [Math.floor(addr / 4096)] });
      });
      return b;
    });
    const lines = f.lines.slice(0, EVIDENCE_SHOWN).map((line) => {
      const b = el('button', { type: 'button', class: 'link evidence', 'data-line': line, title: `Reveal line ${line} in the trace` }, `line ${line}`);
      b.addEventListener('click', () => void request('revealLine', { line }));
      return b;
    });
    return el(
      'li',
      { class: `finding severity-${f.severity}`, 'data-key': f.key, tabindex: -1 },
      el('div', { class: 'finding-head' }, icon(SEVERITY_ICON[f.severity]), el('span', { class: 'severity' }, f.severity), el('strong', {}, f.title)),
      el('p', { class: 'message' }, f.message),
      el('p', { class: 'explanation' }, f.explanation),
      el('p', { class: 'meta' }, `${formatTs(f.fromTs)} → ${formatTs(f.toTs)} (${formatDuration(f.toTs - f.fromTs)})${f.comm ? ` · ${f.comm}-${f.pid ?? '?'}` : ''}`),
      pages.length ? el('div', { class: 'pages-list' }, el('span', { class: 'label' }, 'Pages: '), ...pages, f.pages.length > 8 ? ` and ${f.pages.length - 8} more` : '') : null,
      lines.length ? el('div', { class: 'evidence-list' }, el('span', { class: 'label' }, 'Evidence: '), ...lines, f.linesTotal > EVIDENCE_SHOWN ? ` and ${f.linesTotal - EVIDENCE_SHOWN} more` : '') : null,
      this.notesBlock(f),
    );
  }

  private notesBlock(f: Finding): HTMLElement {
    const mine = this.notes.filter((n) => n.findingKey === f.key);
    const box = el('div', { class: 'notes', 'aria-label': 'Notes' });
    for (const n of mine) {
      if (this.editing.has(n.id)) {
        box.append(this.editor(f, n));
        continue;
      }
      const edit = el('vscode-button', { secondary: true, 'aria-label': 'Edit note' }, 'Edit');
      edit.addEventListener('click', () => {
        this.editing.add(n.id);
        this.render();
      });
      const del = el('vscode-button', { secondary: true, 'aria-label': 'Delete note' }, 'Delete');
      del.addEventListener('click', () => void request('removeNote', { id: n.id }).then(() => this.reloadNotes()));
      box.append(
        el('div', { class: 'note', 'data-note': n.id }, icon('note'), el('span', { class: 'note-body' }, n.body), n.expected ? el('span', { class: 'tag' }, 'expected') : null, edit, del),
      );
    }
    const newKey = `new:${f.key}`;
    if (this.editing.has(newKey)) box.append(this.editor(f));
    else {
      const add = el('vscode-button', { secondary: true, class: 'add-note', 'aria-label': `Add a note to ${f.title}` }, 'Add note');
      add.addEventListener('click', () => {
        this.editing.add(newKey);
        this.render();
        (this.root.querySelector(`[data-key="${CSS.escape(f.key)}"] vscode-textarea`) as HTMLElement | null)?.focus();
      });
      box.append(add);
    }
    return box;
  }

  private editor(f: Finding, note?: NoteView): HTMLElement {
    const key = note?.id ?? `new:${f.key}`;
    const area = el('vscode-textarea', { rows: 3, 'aria-label': 'Note text', placeholder: 'What you found out about this finding' }) as HTMLElement & { value: string };
    area.value = note?.body ?? '';
    const save = el('vscode-button', { class: 'save-note' }, 'Save');
    const cancel = el('vscode-button', { secondary: true }, 'Cancel');
    const error = el('span', { class: 'error', role: 'alert' });
    save.addEventListener('click', () => {
      const body = area.value.trim();
      if (!body) {
        error.textContent = 'A note needs some text.';
        return;
      }
      void request('upsertNote', { id: note?.id, line: note?.line ?? f.lines[0] ?? 1, findingKey: f.key, body })
        .then(() => {
          this.editing.delete(key);
          return this.reloadNotes();
        })
        .catch((err: unknown) => (error.textContent = `Not saved: ${err instanceof Error ? err.message : String(err)}`));
    });
    cancel.addEventListener('click', () => {
      this.editing.delete(key);
      this.render();
    });
    area.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) save.click();
      if (e.key === 'Escape') cancel.click();
    });
    return el('div', { class: 'note-editor' }, area, el('div', { class: 'buttons' }, save, cancel, error));
  }

  private async reloadNotes(): Promise<void> {
    this.notes = await request('notes', {});
    this.render();
  }

  private missingSection(): HTMLElement | null {
    if (this.missing.length === 0) return null;
    return el(
      'section',
      { class: 'missing', 'aria-label': 'Rules that could not decide' },
      el('h2', {}, icon('question'), ' Rules that could not decide'),
      el(
        'ul',
        {},
        ...this.missing.map((m) => {
          const recipe = el('vscode-button', { secondary: true, class: 'create-recipe', 'aria-label': `Create a capture recipe with the probes ${m.rule} needs` }, 'Create capture recipe…');
          recipe.addEventListener('click', () => void request('createRecipe', { include: [m.rule, ...m.probes] }));
          return el('li', {}, el('strong', {}, m.rule), ': ', m.message, m.probes.length ? el('pre', { class: 'probes' }, m.probes.join('\n')) : null, recipe);
        }),
      ),
    );
  }

  private focusFinding(): void {
    const key = current().focusFinding;
    if (!key) return;
    const item = this.root.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    if (!item) return;
    for (const el2 of this.root.querySelectorAll('.finding.focused')) el2.classList.remove('focused');
    item.classList.add('focused');
    item.scrollIntoView({ block: 'center' });
    item.focus();
  }
}
