import { describe, expect, it } from 'vitest';

import { createMasterMetrics, createWorkerMetrics } from '@partita/telemetry';
import {
  DEPLOY,
  allPanels,
  dashboardTargets,
  isRow,
  metricNames,
  readDashboard,
  readYaml,
  relabel,
  variableQuery,
  type PrometheusConfig,
} from './deploy-files.js';
import { BUILTIN_KINDS, queueOf } from '../support/kinds.js';

interface DataSourcesFile {
  apiVersion: number;
  datasources: { name: string; uid: string; type: string; url: string; jsonData?: { timeInterval?: string } }[];
}
interface ProvidersFile {
  apiVersion: number;
  providers: { name: string; type: string; options: { path: string } }[];
}

/** Every metric the master and the workers register, by name, with its type. */
async function registeredMetrics(): Promise<Map<string, string>> {
  const master = createMasterMetrics({ kinds: BUILTIN_KINDS, queueDepths: async () => ({}) });
  const worker = createWorkerMetrics({ kinds: BUILTIN_KINDS, slots: 1 });
  const metrics = [...(await master.registry.getMetricsAsJSON()), ...(await worker.registry.getMetricsAsJSON())];
  return new Map(metrics.map((m) => [m.name, String(m.type)]));
}

/** The metric a series name belongs to: histograms and summaries expose `_bucket`, `_sum` and `_count` series. */
function metricOf(series: string, registered: Map<string, string>): string | undefined {
  if (registered.has(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  const type = registered.get(base);
  return base !== series && (type === 'histogram' || type === 'summary') ? base : undefined;
}

const dashboard = readDashboard();
const panels = allPanels(dashboard);
const dataPanels = panels.filter((p) => !isRow(p));
const datasources = readYaml<DataSourcesFile>(DEPLOY.datasources);
const provisioned = datasources.datasources.find((d) => d.type === 'prometheus');

describe('Grafana provisioning', () => {
  it('provisions the Prometheus data source the dashboard names, and a file provider for the dashboards', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(provisioned).toMatchObject({ uid: 'partita-prometheus', url: 'http://prometheus:9090' });
    // $__rate_interval is derived from the scrape interval the data source declares: keep it equal to Prometheus's.
    const compose = readYaml<PrometheusConfig>(DEPLOY.prometheusCompose);
    expect(provisioned?.jsonData?.timeInterval).toBe(compose.global?.scrape_interval);

    const providers = readYaml<ProvidersFile>(DEPLOY.dashboardProviders);
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toHaveLength(1);
    expect(providers.providers[0]).toMatchObject({ type: 'file' });
    expect(providers.providers[0]?.options.path).toMatch(/^\/var\/lib\/grafana\/dashboards/);
  });
});

describe('the Grafana dashboard', () => {
  it('is a current-schema dashboard with a kind variable of every kind', () => {
    expect(dashboard.uid).toBe('partita');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const kind = dashboard.templating?.list?.find((v) => v.name === 'kind');
    expect(kind).toMatchObject({ type: 'query', includeAll: true, allValue: '.*' });
    expect(kind?.datasource?.uid).toBe(provisioned?.uid);
    expect(variableQuery(kind!)).toBe('label_values(partita_partitions_started_total, kind)');
  });

  it('queue panels filtered by one kind select its queues, every major of it, and no other kind’s', () => {
    const exprs = dashboardTargets(readDashboard())
      .map(({ target }) => target.expr ?? '')
      .filter((e) => e.includes('$kind') && e.includes('queue=~'));
    expect(exprs.length).toBeGreaterThanOrEqual(2);
    for (const expr of exprs) {
      const pattern = /queue=~"([^"]+)"/.exec(expr)![1]!;
      // PromQL anchors a regex match at both ends.
      const matches = (kind: string, queue: string) => new RegExp(`^(?:${pattern.replaceAll('$kind', kind)})$`).test(queue);
      expect(matches('travel-plan', queueOf('travel-plan')), expr).toBe(true);
      expect(matches('travel-plan', 'partitions-travel-plan-v2'), expr).toBe(true);
      expect(matches('travel-plan', queueOf('sql-extract')), expr).toBe(false);
      expect(matches('.*', queueOf('noop')), expr).toBe(true);
    }
  });

  it('gives each panel a unique id and a place on the grid, without overlaps', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size, `duplicate ids in ${ids.join(', ')}`).toBe(ids.length);
    for (const p of panels) {
      const g = p.gridPos;
      expect(g, `panel ${p.id} "${p.title}" has no gridPos`).toBeDefined();
      expect(
        [g!.x, g!.y, g!.w, g!.h].every((n) => Number.isInteger(n) && n >= 0),
        `panel ${p.id} "${p.title}"`,
      ).toBe(true);
      expect(g!.w > 0 && g!.h > 0 && g!.x + g!.w <= 24, `panel ${p.id} "${p.title}" does not fit the 24 columns`).toBe(true);
    }
    const overlaps: string[] = [];
    for (const [i, a] of panels.entries()) {
      for (const b of panels.slice(i + 1)) {
        const p = a.gridPos!;
        const q = b.gridPos!;
        if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h) overlaps.push(`"${a.title}" and "${b.title}"`);
      }
    }
    expect(overlaps, 'overlapping panels').toEqual([]);
  });

  it('queries the provisioned data source in every panel and target, with an expression, a unit and a description', () => {
    const problems: string[] = [];
    for (const p of dataPanels) {
      const name = `panel ${p.id} "${p.title}"`;
      if (p.datasource?.type !== 'prometheus' || p.datasource.uid !== provisioned?.uid) {
        problems.push(`${name}: datasource ${JSON.stringify(p.datasource)}`);
      }
      if (!p.targets?.length) problems.push(`${name}: no targets`);
      if (!p.fieldConfig?.defaults?.unit) problems.push(`${name}: no unit`);
      if (!p.description?.trim()) problems.push(`${name}: no description`);
      for (const t of p.targets ?? []) {
        if (typeof t.expr !== 'string' || t.expr.trim() === '') problems.push(`${name} target ${t.refId}: no expr`);
        if (t.datasource && t.datasource.uid !== provisioned?.uid)
          problems.push(`${name} target ${t.refId}: datasource ${t.datasource.uid}`);
      }
    }
    for (const r of panels.filter(isRow)) {
      if (r.targets?.length) problems.push(`row "${r.title}" has targets`);
    }
    expect(problems).toEqual([]);
  });

  it('rates over $__rate_interval (or the dashboard range), never over a fixed window', () => {
    const fixed = dashboardTargets(dashboard).flatMap(({ panel, target }) =>
      [...(target.expr ?? '').matchAll(/\[([^\]]*)\]/g)]
        .filter((m) => m[1] !== '$__rate_interval' && m[1] !== '$__range')
        .map((m) => `"${panel.title}": [${m[1]}] in ${target.expr}`),
    );
    expect(fixed).toEqual([]);
  });

  it('reads only metrics the master and the workers register, and shows every Partita metric', async () => {
    const registered = await registeredMetrics();
    // The check itself: the registries hold the metrics under the names the dashboard is written against.
    expect(registered.get('partita_partition_run_seconds')).toBe('histogram');
    expect(registered.get('process_cpu_seconds_total')).toBe('counter');
    expect(registered.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);

    const queries = [
      ...dashboardTargets(dashboard).map(({ panel, target }) => ({
        where: `panel "${panel.title}" ${target.refId}`,
        expr: target.expr ?? '',
      })),
      ...(dashboard.templating?.list ?? []).map((v) => ({ where: `variable ${v.name}`, expr: variableQuery(v) })),
    ];
    const used = new Set<string>();
    const unknown: string[] = [];
    for (const { where, expr } of queries) {
      for (const series of metricNames(expr)) {
        const metric = metricOf(series, registered);
        if (metric) used.add(metric);
        else unknown.push(`${where}: ${series}`);
      }
    }
    expect(unknown, 'metrics no registry defines').toEqual([]);
    const unshown = [...registered.keys()].filter((name) => name.startsWith('partita_') && !used.has(name));
    expect(unshown, 'Partita metrics without a panel').toEqual([]);
  });
});

describe('Prometheus scrape configs', () => {
  it('docker-compose: the master by name, every worker replica by DNS, each labelled with its component', () => {
    const config = readYaml<PrometheusConfig>(DEPLOY.prometheusCompose);
    expect(config.global?.scrape_interval).toBe('15s');
    const master = config.scrape_configs.find((s) => s.job_name === 'partita-master');
    const worker = config.scrape_configs.find((s) => s.job_name === 'partita-worker');
    expect(master?.static_configs?.flatMap((s) => s.targets)).toEqual(['master:8080']);
    expect(worker?.dns_sd_configs).toEqual([expect.objectContaining({ names: ['worker'], type: 'A', port: 9464 })]);
    expect(relabel(master!, { __address__: 'master:8080' })).toMatchObject({
      job: 'partita-master',
      component: 'master',
      instance: 'master:8080',
    });
    expect(relabel(worker!, { __address__: '172.18.0.7:9464' })).toMatchObject({
      job: 'partita-worker',
      component: 'worker',
      instance: '172.18.0.7:9464',
    });
  });

  it('Kubernetes: annotated running pods, on their annotated port and path, with component, job, namespace and pod', () => {
    const config = readYaml<PrometheusConfig>(DEPLOY.prometheusK8s);
    expect(config.global?.scrape_interval).toBe('15s');
    expect(config.scrape_configs).toHaveLength(1);
    const pods = config.scrape_configs[0]!;
    expect(pods.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    const pod = (name: string, component: string | null, annotations: Record<string, string>, phase = 'Running') => ({
      __address__: '10.1.2.3:8080',
      __meta_kubernetes_namespace: 'data',
      __meta_kubernetes_pod_name: name,
      __meta_kubernetes_pod_phase: phase,
      ...(component ? { __meta_kubernetes_pod_label_app_kubernetes_io_component: component } : {}),
      ...Object.fromEntries(
        Object.entries(annotations).map(([k, v]) => [`__meta_kubernetes_pod_annotation_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`, v]),
      ),
    });
    const scrape = { 'prometheus.io/scrape': 'true' };

    expect(relabel(pods, pod('partita-master-7d9f', 'master', { ...scrape, 'prometheus.io/port': '8080' }))).toMatchObject({
      __address__: '10.1.2.3:8080',
      __metrics_path__: '/metrics',
      __scheme__: 'http',
      job: 'partita-master',
      component: 'master',
      namespace: 'data',
      pod: 'partita-master-7d9f',
      instance: 'partita-master-7d9f',
    });
    expect(
      relabel(pods, pod('partita-worker-x1', 'worker', { ...scrape, 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' })),
    ).toMatchObject({ __address__: '10.1.2.3:9464', job: 'partita-worker', component: 'worker', pod: 'partita-worker-x1' });
    // Not annotated, or not running: not scraped.
    expect(relabel(pods, pod('partita-worker-x2', 'worker', { 'prometheus.io/port': '9464' }))).toBeNull();
    expect(relabel(pods, pod('partita-worker-x3', 'worker', { ...scrape, 'prometheus.io/port': '9464' }, 'Pending'))).toBeNull();
    // Another annotated application keeps its own job and gets no component.
    const other = relabel(pods, pod('cache-0', 'cache', { ...scrape, 'prometheus.io/port': '9121' }));
    expect(other).toMatchObject({ job: 'kubernetes-pods', __address__: '10.1.2.3:9121', pod: 'cache-0' });
    expect(other).not.toHaveProperty('component');
  });
});
