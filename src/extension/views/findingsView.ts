/**
 * The Findings tree: by rule, then by page, then each finding (click → its evidence line); findings the
 * user marked expected in a separate group; rules that could not decide, with the probe that would let
 * them. Follows the active trace.
 */

import * as vscode from 'vscode';
import type { Finding, MissingEvidence } from '../../core/detect/types';
import { groupFindings, type PageGroup, type RuleGroup } from '../pure/findingsTree';
import type { TraceStates } from '../editor/traceState';

export type FindingsNode =
  | { type: 'rule'; group: RuleGroup }
  | { type: 'page'; rule: string; group: PageGroup }
  | { type: 'finding'; finding: Finding; expected: boolean }
  | { type: 'expected'; findings: Finding[] }
  | { type: 'missing'; items: MissingEvidence[] }
  | { type: 'missing-item'; item: MissingEvidence };

const SEVERITY_ICON = { error: 'error', warning: 'warning', info: 'info' } as const;
const SEVERITY_COLOR = { error: 'problemsErrorIcon.foreground', warning: 'problemsWarningIcon.foreground', info: 'problemsInfoIcon.foreground' } as const;

export class FindingsTreeProvider implements vscode.TreeDataProvider<FindingsNode> {
  private readonly emitter = new vscode.EventEmitter<FindingsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Finding nodes by key, so the tree can reveal one (reveal needs the same object and its parents). */
  private nodes = new Map<string, FindingsNode>();
  private parents = new Map<FindingsNode, FindingsNode>();
  private roots: FindingsNode[] = [];

  constructor(private readonly states: TraceStates) {
    states.onDidChange(() => this.rebuild());
    states.onDidChangeActive(() => this.rebuild());
    this.rebuild();
  }

  get trace(): vscode.Uri | undefined {
    return this.states.active?.uri;
  }

  nodeOf(key: string): FindingsNode | undefined {
    return this.nodes.get(key);
  }

  private rebuild(): void {
    this.nodes = new Map();
    this.parents = new Map();
    const st = this.states.active;
    if (!st) {
      this.roots = [];
      this.emitter.fire(undefined);
      return;
    }
    const model = groupFindings(st.analysis.data.findings, st.expected, st.analysis.data.missingEvidence);
    const roots: FindingsNode[] = [];
    for (const g of model.rules) {
      const ruleNode: FindingsNode = { type: 'rule', group: g };
      roots.push(ruleNode);
      for (const p of g.pages) {
        const pageNode: FindingsNode = { type: 'page', rule: g.rule, group: p };
        this.parents.set(pageNode, ruleNode);
        for (const f of p.findings) {
          const fn: FindingsNode = { type: 'finding', finding: f, expected: false };
          this.parents.set(fn, pageNode);
          this.nodes.set(f.key, fn);
        }
      }
    }
    if (model.expected.length > 0) {
      const exp: FindingsNode = { type: 'expected', findings: model.expected };
      roots.push(exp);
      for (const f of model.expected) {
        const fn: FindingsNode = { type: 'finding', finding: f, expected: true };
        this.parents.set(fn, exp);
        this.nodes.set(f.key, fn);
      }
    }
    if (model.missing.length > 0) roots.push({ type: 'missing', items: model.missing });
    this.roots = roots;
    this.emitter.fire(undefined);
  }

  getChildren(node?: FindingsNode): FindingsNode[] {
    if (!node) return this.roots;
    switch (node.type) {
      case 'rule':
        // a rule whose findings all name no page (or one page) skips the page level
        if (node.group.pages.length === 1) return node.group.pages[0].findings.map((f) => this.nodes.get(f.key) as FindingsNode);
        return [...this.parents.entries()].filter(([, p]) => p === node).map(([c]) => c);
      case 'page':
        return node.group.findings.map((f) => this.nodes.get(f.key) as FindingsNode);
      case 'expected':
        return node.findings.map((f) => this.nodes.get(f.key) as FindingsNode);
      case 'missing':
        return node.items.map((item) => ({ type: 'missing-item', item }));
      default:
        return [];
    }
  }

  getParent(node: FindingsNode): FindingsNode | undefined {
    const p = this.parents.get(node);
    if (p && p.type === 'page') {
      const rule = this.parents.get(p);
      if (rule && rule.type === 'rule' && rule.group.pages.length === 1) return rule;
    }
    return p;
  }

  getTreeItem(node: FindingsNode): vscode.TreeItem {
    const st = this.states.active;
    switch (node.type) {
      case 'rule': {
        const t = new vscode.TreeItem(node.group.rule, vscode.TreeItemCollapsibleState.Expanded);
        t.description = `${node.group.title} (${node.group.count})`;
        t.iconPath = new vscode.ThemeIcon(SEVERITY_ICON[node.group.severity], new vscode.ThemeColor(SEVERITY_COLOR[node.group.severity]));
        t.tooltip = `${node.group.rule}: ${node.group.title}`;
        return t;
      }
      case 'page': {
        const t = new vscode.TreeItem(node.group.page || '(no single page)', vscode.TreeItemCollapsibleState.Collapsed);
        t.description = `${node.group.findings.length}`;
        t.iconPath = new vscode.ThemeIcon('symbol-number');
        return t;
      }
      case 'finding': {
        const f = node.finding;
        const notes = st?.notes.filter((n) => n.findingKey === f.key || (f.lines.includes(n.line) && !n.findingKey)) ?? [];
        const t = new vscode.TreeItem(f.title, vscode.TreeItemCollapsibleState.None);
        t.id = `finding:${f.key}`;
        t.description = `line ${f.lines[0] ?? '?'}${f.comm ? ` · ${f.comm}-${f.pid}` : ''}${notes.length ? ` · 📝 ${notes[0].body.slice(0, 60)}` : ''}`;
        const md = new vscode.MarkdownString();
        md.appendText(`${f.rule} (${f.severity})\n\n${f.message}\n\n${f.explanation}`);
        for (const n of notes) md.appendText(`\n\nNote${n.expected ? ' (expected)' : ''}: ${n.body}`);
        t.tooltip = md;
        t.iconPath = node.expected ? new vscode.ThemeIcon('pass') : new vscode.ThemeIcon(SEVERITY_ICON[f.severity], new vscode.ThemeColor(SEVERITY_COLOR[f.severity]));
        t.contextValue = node.expected ? 'finding-expected' : 'finding';
        if (st && f.lines.length > 0) t.command = { command: 'hmmTrace.revealLine', title: 'Reveal evidence line', arguments: [st.uri.toString(), f.lines[0]] };
        return t;
      }
      case 'expected': {
        const t = new vscode.TreeItem('Expected (suppressed)', vscode.TreeItemCollapsibleState.Collapsed);
        t.description = `${node.findings.length}`;
        t.tooltip = 'Findings a note marked as expected: not in the Problems panel, kept here and in reports.';
        t.iconPath = new vscode.ThemeIcon('eye-closed');
        return t;
      }
      case 'missing': {
        const t = new vscode.TreeItem('Could not decide (evidence not captured)', vscode.TreeItemCollapsibleState.Collapsed);
        t.description = `${node.items.length}`;
        t.iconPath = new vscode.ThemeIcon('question');
        return t;
      }
      case 'missing-item': {
        const t = new vscode.TreeItem(node.item.rule, vscode.TreeItemCollapsibleState.None);
        t.description = node.item.message;
        t.tooltip = `${node.item.message}${node.item.probes.length ? `\n\nCapture with:\n${node.item.probes.join('\n')}` : ''}`;
        t.iconPath = new vscode.ThemeIcon('debug-breakpoint-unverified');
        // issue 9: clicking the note opens a capture recipe that already includes the missing probes
        t.command = { command: 'hmmTrace.createRecipe', title: 'Create Capture Recipe…', arguments: [{ include: [node.item.rule, ...node.item.probes] }] };
        return t;
      }
    }
  }
}
