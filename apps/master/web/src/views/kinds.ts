import type { KindList, KindView } from '@partita/contracts';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { empty, heading, table } from '../widgets.js';
import { offeringsSection } from './offerings.js';
import type { Drawn } from './panel.js';

/**
 * The kinds this master serves: version, queue, input, output columns, spec schema, live workers, and what each offers
 * beyond its spec (the `program` kind's registered programs).
 */
export async function kindsView(): Promise<Drawn> {
  const list = await getJson<KindList>('/kinds');
  document.title = 'Partita · kinds';
  const node = h(
    'div',
    {},
    heading('Kinds', 'What this master can run. Workers serve a kind’s queue per major version.'),
    list.items.length === 0 ? empty('No kinds.') : list.items.map(kindCard),
  );
  return { node, live: false };
}

function kindCard(kind: KindView): HTMLElement {
  const workers = kind.workers.length;
  return h(
    'article',
    { class: 'kind', 'data-kind': kind.name },
    h(
      'div',
      { class: 'kind-head' },
      h('h2', {}, kind.name, ' ', h('span', { class: 'badge version' }, `v${kind.version}`)),
      h(
        'span',
        { class: `badge ${workers > 0 ? 'status-succeeded' : 'status-queued'}`, 'data-workers': workers },
        `${workers} live worker${workers === 1 ? '' : 's'}`,
      ),
    ),
    h('p', { class: 'muted' }, kind.description),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Queue'),
      h('dd', { class: 'mono' }, kind.queue),
      h('dt', {}, 'Input'),
      h('dd', {}, `${kind.input.type}${kind.input.fixed ? ' (makes its own partitions)' : ''}`),
      h('dt', {}, 'Counts'),
      h('dd', {}, kind.itemNoun),
      h('dt', {}, 'Runs on'),
      h('dd', {}, kind.cpu ? 'worker threads (CPU-heavy)' : 'the worker’s event loop'),
      h('dt', {}, 'Columns'),
      h(
        'dd',
        {},
        kind.columns === null
          ? 'known once a job is planned'
          : kind.columns.length === 0
            ? 'no files'
            : kind.columns.map((c) => `${c.name} ${c.type}`).join(', '),
      ),
    ),
    kind.offerings === undefined ? null : offeringsSection(kind.offerings),
    workers === 0
      ? null
      : table(
          null,
          ['Worker', 'Version'],
          kind.workers.map((w) => h('tr', { 'data-worker': w.id }, h('td', { class: 'mono' }, w.id), h('td', {}, w.version))),
        ),
    h('details', { class: 'spec' }, h('summary', {}, 'Spec schema (JSON Schema)'), h('pre', {}, JSON.stringify(kind.spec, null, 2))),
  );
}
