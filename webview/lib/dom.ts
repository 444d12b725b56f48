/**
 * DOM building without markup: every string, and above all every string that came from a trace (task
 * names, marker text, probe names, field values), is inserted with textContent, never parsed as HTML.
 * There is no innerHTML anywhere in the webview.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Attrs {
  class?: string;
  role?: string;
  title?: string;
  id?: string;
  tabindex?: number;
  /** aria-* and data-* and any other attribute, set with setAttribute (values are text, never markup). */
  [attr: string]: string | number | boolean | undefined;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function el(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = String(v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  append(node, ...children);
  return node;
}

export function append(node: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces all children (text stays text). */
export function replace(node: Node, ...children: Child[]): void {
  while (node.firstChild) node.removeChild(node.firstChild);
  append(node, ...children);
}

/** A codicon (from dist/webview/codicon.css), hidden from screen readers: the control carries the label. */
export function icon(name: string): HTMLElement {
  return el('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** A caption + table, the text alternative every chart has. */
export function dataTable(caption: string, headers: string[], rows: (string | number)[][]): HTMLTableElement {
  return el(
    'table',
    { class: 'data-table' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, String(c)))))),
  );
}
