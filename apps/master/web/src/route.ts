/**
 * Where the page is: `/?job=<id>` (or `/#<id>`) a job, `/?view=datasets[&name=]`, `/?view=pipelines[&name=][&run=]`,
 * `/?view=kinds`; anything else the list of jobs.
 */
export type Route =
  | { view: 'jobs'; job: string | null }
  | { view: 'datasets'; name: string | null }
  | { view: 'pipelines'; name: string | null; run: string | null }
  | { view: 'kinds' };

export function currentRoute(location: Location = window.location): Route {
  const query = new URLSearchParams(location.search);
  const view = query.get('view');
  const name = query.get('name') || null;
  if (view === 'datasets') return { view, name };
  if (view === 'pipelines') return { view, name, run: query.get('run') || null };
  if (view === 'kinds') return { view };
  const job = query.get('job') || decodeURIComponent(location.hash.replace(/^#/, '')) || null;
  return { view: 'jobs', job };
}

export const datasetHref = (name: string): string => `/?view=datasets&name=${encodeURIComponent(name)}`;
export const pipelineHref = (name: string, run?: string): string =>
  `/?view=pipelines&name=${encodeURIComponent(name)}${run ? `&run=${encodeURIComponent(run)}` : ''}`;
