import { formatCount, formatPercent, shortId } from './format/index.js';
import { h, type Child } from './dom.js';

/** A status as a coloured badge: `succeeded`, `running`, `pending`… */
export function statusBadge(status: string, large = false): HTMLSpanElement {
  return h('span', { class: `badge${large ? ' large' : ''} status-${status}` }, status);
}

/** A progress bar with its text: `fraction` of 0–1, coloured by status. */
export function progressBar(fraction: number, status: string, text: Child, title?: string): HTMLDivElement {
  const fill = h('div', { class: `fill status-${status}` });
  // The CSSOM, not a style attribute: allowed by a CSP without 'unsafe-inline'.
  fill.style.width = formatPercent(fraction);
  return h('div', { class: 'progress', title }, h('div', { class: 'track' }, fill), h('span', { class: 'progress-text' }, text));
}

/** `done/total noun`, counts grouped as everywhere: `1,200/2,000 rows`. */
export function countOf(done: number, total: number, noun: string): string {
  return `${formatCount(done)}/${formatCount(total)} ${noun}`;
}

export const jobHref = (id: string): string => `/?job=${encodeURIComponent(id)}`;

/** A job's short id linking to its page. */
export function jobLink(id: string): HTMLAnchorElement {
  return h('a', { href: jobHref(id), class: 'mono', title: id, 'data-job-link': id }, shortId(id));
}

/** A table with a head row and body rows; `num` columns align right. */
export function table(
  id: string | null,
  heads: readonly (string | { text: string; num: true })[],
  rows: readonly HTMLTableRowElement[],
): HTMLTableElement {
  const head = h(
    'tr',
    {},
    heads.map((c) => (typeof c === 'string' ? h('th', {}, c) : h('th', { class: 'num' }, c.text))),
  );
  return h('table', { id, class: 'table' }, h('thead', {}, head), h('tbody', {}, rows));
}

export const num = (text: string, strong = false): HTMLTableCellElement => h('td', { class: strong ? 'num strong' : 'num' }, text);

/** A value from a JSON document (a setting, a source), compactly: strings as they are, the rest as JSON. */
export function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A view's heading with a muted line under it. */
export function heading(title: Child, sub?: Child): HTMLDivElement {
  return h('div', { class: 'view-head' }, h('h1', {}, title), sub === undefined ? null : h('p', { class: 'muted' }, sub));
}

export const empty = (text: string): HTMLParagraphElement => h('p', { class: 'muted empty' }, text);
