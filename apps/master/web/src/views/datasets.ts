import type { DatasetHistory, DatasetList, DatasetVersion, JobView } from '@partita/contracts';
import { formatBytes, formatCount, formatTimestamp } from '../format/index.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { datasetHref } from '../route.js';
import { empty, heading, jobLink, num, table } from '../widgets.js';
import type { Drawn } from './panel.js';

/** Every dataset with its latest version. */
export async function datasetsView(): Promise<Drawn> {
  const list = await getJson<DatasetList>('/datasets');
  document.title = 'Partita · datasets';
  const rows = list.items.map((d) =>
    h(
      'tr',
      { 'data-dataset': d.name },
      h('td', {}, h('a', { href: datasetHref(d.name), class: 'strong' }, d.name)),
      h('td', { class: 'muted' }, d.description),
      num(`v${d.version}`),
      num(formatCount(d.versions)),
      h('td', {}, d.kind),
      num(formatCount(d.rows), true),
      num(formatCount(d.files)),
      num(formatBytes(d.bytes)),
      h('td', {}, formatTimestamp(d.createdAt)),
      h('td', {}, jobLink(d.jobId)),
    ),
  );
  const node = h(
    'div',
    {},
    heading('Datasets', 'Each successful job with a dataset registers a new version of it: its manifest, files, rows and schema.'),
    rows.length === 0
      ? empty('No datasets yet. A job with a `dataset` registers one when it succeeds.')
      : table(
          'datasets',
          [
            'Dataset',
            'Description',
            { text: 'Latest', num: true },
            { text: 'Versions', num: true },
            'Kind',
            { text: 'Rows', num: true },
            { text: 'Files', num: true },
            { text: 'Bytes', num: true },
            'Created',
            'Job',
          ],
          rows,
        ),
  );
  return { node, live: false };
}

/** One dataset: every version with the job that made it, the latest version's schema and files. */
export async function datasetView(name: string): Promise<Drawn> {
  const history = await getJson<DatasetHistory>(`/datasets/${encodeURIComponent(name)}`);
  document.title = `Partita · dataset ${name}`;
  const latest = history.versions[0];
  const rows = history.versions.map((v) =>
    h(
      'tr',
      { 'data-version': v.version },
      h('td', { class: 'strong' }, `v${v.version}`),
      h('td', {}, formatTimestamp(v.createdAt)),
      h('td', {}, jobLink(v.jobId)),
      h('td', {}, v.kind),
      num(formatCount(v.rows), true),
      num(formatCount(v.files)),
      num(formatBytes(v.bytes)),
      h('td', { class: 'mono small' }, `${v.container}/${v.manifest}`),
    ),
  );
  const node = h(
    'div',
    {},
    h('a', { class: 'back', href: '/?view=datasets' }, '← all datasets'),
    heading(h('span', { id: 'dataset-name' }, history.name), latest ? latest.description || null : null),
    latest ? tags(latest) : null,
    h('h2', {}, 'Versions'),
    table(
      'versions',
      [
        'Version',
        'Created',
        'Job',
        'Kind',
        { text: 'Rows', num: true },
        { text: 'Files', num: true },
        { text: 'Bytes', num: true },
        'Manifest',
      ],
      rows,
    ),
    latest ? schema(latest) : null,
    latest ? await files(latest) : null,
  );
  return { node, live: false };
}

function tags(v: DatasetVersion): HTMLElement | null {
  const entries = Object.entries(v.tags);
  if (entries.length === 0) return null;
  return h(
    'p',
    { class: 'tags' },
    entries.map(([k, val]) => h('span', { class: 'tag' }, `${k}=${val}`)),
  );
}

function schema(v: DatasetVersion): HTMLElement {
  const rows = v.schema.map((c) =>
    h(
      'tr',
      { 'data-column': c.name },
      h('td', { class: 'mono strong' }, c.name),
      h('td', { class: 'mono' }, c.type),
      h('td', {}, c.nullable ? 'nullable' : 'not null'),
    ),
  );
  return h(
    'div',
    {},
    h('h2', {}, `Schema `, h('span', { class: 'muted small' }, `of v${v.version}`)),
    table('schema', ['Column', 'Type', 'Nulls'], rows),
  );
}

/** The latest version's files, from the job that wrote them (each partition's files with their rows and bytes). */
async function files(v: DatasetVersion): Promise<HTMLElement> {
  const job = await getJson<JobView>(`/jobs/${encodeURIComponent(v.jobId)}`);
  const rows = job.partitions.flatMap((p) =>
    p.files.map((f) =>
      h(
        'tr',
        { 'data-file': f.path },
        h('td', { class: 'mono small' }, f.path),
        num(`#${p.index}`),
        num(formatCount(f.rows)),
        num(formatBytes(f.bytes)),
      ),
    ),
  );
  return h(
    'div',
    {},
    h('h2', {}, 'Files ', h('span', { class: 'muted small' }, `of v${v.version}, in ${v.container}`)),
    rows.length === 0
      ? empty('No files.')
      : table('files', ['Path', { text: 'Partition', num: true }, { text: 'Rows', num: true }, { text: 'Bytes', num: true }], rows),
  );
}
