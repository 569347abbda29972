import type { ExtractView, JobView } from '@partita/contracts';
import { formatCount, formatDuration } from '../format/index.js';
import { h } from '../dom.js';
import { num, statusBadge, table } from '../widgets.js';

/**
 * An extract's own part of its job: the chunks with the rows planned against the rows read, the snapshot every chunk
 * read (or the chunks that read their own), and the completeness check of the rows written against the source's.
 */
export function extractSection(job: JobView, extract: ExtractView): HTMLElement {
  const c = extract.completeness;
  const verdict = c.complete === null ? 'unknown' : c.complete ? 'complete' : 'incomplete';
  const snapshot = extract.snapshot;
  const facts: [string, string][] = [
    ['Source', extract.database],
    ['Chunked by', extract.method === 'quantiles' ? `key ${extract.key ?? '-'} (quantiles)` : 'heap blocks'],
    ['Planned rows', `${formatCount(extract.estimatedRows)}${extract.chunkRowsExact ? ' (counted)' : ' (estimated)'}`],
    ['Snapshot', `${snapshot.mode}${snapshot.id ? ` · ${snapshot.id}` : ''}`],
    ['Source rows in snapshot', c.sourceRows === null ? '-' : formatCount(c.sourceRows)],
    ['Rows written', c.rowsWritten === null ? '-' : formatCount(c.rowsWritten)],
  ];
  const rows = job.partitions.map((p) => {
    const planned = extract.chunkRows[p.index];
    const read = p.rows ?? p.itemsDone;
    const differs = p.status === 'succeeded' && extract.chunkRowsExact && planned !== undefined && planned !== read;
    return h(
      'tr',
      { 'data-chunk': p.index, class: differs ? 'differs' : null },
      h('td', { class: 'mono strong' }, `#${p.index}`),
      h('td', {}, statusBadge(p.status)),
      num(planned === undefined ? '-' : formatCount(planned)),
      num(formatCount(read), true),
      h('td', {}, p.ownSnapshot ? 'own snapshot' : 'job snapshot'),
      h('td', {}, p.workerId ?? '-'),
      num(formatDuration(p.runMs)),
    );
  });
  return h(
    'section',
    { id: 'extract', class: 'subsection' },
    h(
      'h2',
      {},
      'Extract ',
      h('span', { id: 'completeness', class: `badge status-${verdict}`, 'data-complete': String(c.complete) }, verdict),
    ),
    h(
      'dl',
      { class: 'facts' },
      facts.map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, v)]),
    ),
    snapshot.note ? h('p', { class: 'muted' }, snapshot.note) : null,
    table(
      'chunks',
      [
        'Chunk',
        'Status',
        { text: 'Planned rows', num: true },
        { text: 'Read rows', num: true },
        'Snapshot',
        'Worker',
        { text: 'Run', num: true },
      ],
      rows,
    ),
  );
}
