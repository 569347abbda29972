import type { OfferingView, OfferingsView } from '@partita/contracts';
import { h } from '../dom.js';

/**
 * What a kind offers beyond its spec (the `program` kind's registered programs), as its kind describes them: each
 * with its version, description, facts, params and columns. Drawn the same for every kind.
 */
export function offeringsSection(offerings: OfferingsView): HTMLElement {
  const { noun, field, items } = offerings;
  return h(
    'section',
    { class: 'offerings', 'data-offerings': noun },
    h(
      'h3',
      {},
      `${capitalised(noun)} `,
      h('span', { class: 'muted small' }, `${items.length} · a job names one in `, h('code', {}, field)),
    ),
    items.length === 0 ? h('p', { class: 'muted empty' }, `No ${noun} on this master.`) : items.map(offeringCard),
  );
}

function offeringCard(item: OfferingView): HTMLElement {
  return h(
    'article',
    { class: 'offering', 'data-offering': item.name },
    h(
      'h4',
      {},
      h('span', { class: 'mono' }, item.name),
      item.version === undefined ? null : [' ', h('span', { class: 'badge version' }, item.version)],
    ),
    item.description ? h('p', { class: 'muted' }, item.description) : null,
    h(
      'dl',
      { class: 'facts' },
      (item.facts ?? []).map((fact) => [h('dt', {}, fact.label), h('dd', { 'data-fact': fact.label }, fact.value)]),
      item.params === undefined ? null : [h('dt', {}, 'params'), h('dd', { 'data-fact': 'params' }, paramsSummary(item.params))],
      item.columns === undefined
        ? null
        : [
            h('dt', {}, 'columns'),
            h(
              'dd',
              { 'data-fact': 'columns' },
              item.columns.length === 0 ? 'none' : item.columns.map((c) => `${c.name} ${c.type}${c.nullable ? '?' : ''}`).join(', '),
            ),
          ],
    ),
    item.params === undefined
      ? null
      : h(
          'details',
          { class: 'spec' },
          h('summary', {}, 'Params schema (JSON Schema)'),
          h('pre', {}, JSON.stringify(item.params, null, 2)),
        ),
  );
}

/** A JSON Schema's top-level properties in one line: `horizon integer, method? string`; `?` marks optional ones. */
export function paramsSummary(schema: Record<string, unknown>): string {
  const properties = schema['properties'];
  if (typeof properties !== 'object' || properties === null || Object.keys(properties).length === 0) {
    return schema['additionalProperties'] === false ? 'none' : 'any';
  }
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : []);
  return Object.entries(properties as Record<string, unknown>)
    .map(([name, property]) => {
      const type = (property as { type?: unknown } | null)?.type;
      const typed = typeof type === 'string' ? ` ${type}` : Array.isArray(type) ? ` ${type.join('|')}` : '';
      return `${name}${required.has(name) ? '' : '?'}${typed}`;
    })
    .join(', ');
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
