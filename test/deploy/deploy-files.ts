import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  ignored,
  parseDockerfile,
  parseDockerignore,
  type DockerInstruction,
  type DockerStage,
  type Dockerfile,
} from '../../deploy/docker/dockerfile.mjs';

/** The monitoring files under deploy/, read as Grafana and Prometheus read them. */
export const DEPLOY = {
  dashboard: fileURLToPath(new URL('../../deploy/grafana/dashboards/partita.json', import.meta.url)),
  datasources: fileURLToPath(new URL('../../deploy/grafana/provisioning/datasources/prometheus.yml', import.meta.url)),
  dashboardProviders: fileURLToPath(new URL('../../deploy/grafana/provisioning/dashboards/partita.yml', import.meta.url)),
  prometheusCompose: fileURLToPath(new URL('../../deploy/prometheus/prometheus.yml', import.meta.url)),
  prometheusK8s: fileURLToPath(new URL('../../deploy/prometheus/prometheus-k8s.yml', import.meta.url)),
};

export interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Target {
  refId?: string;
  expr?: string;
  datasource?: DataSourceRef;
  legendFormat?: string;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: DataSourceRef;
  gridPos?: GridPos;
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string } };
  /** A row's panels when it is collapsed. */
  panels?: Panel[];
}

export interface TemplateVariable {
  name: string;
  type: string;
  datasource?: DataSourceRef;
  definition?: string;
  query?: string | { query?: string };
  includeAll?: boolean;
  allValue?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating?: { list?: TemplateVariable[] };
}

export interface RelabelConfig {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: string;
}

export interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  metrics_path?: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
  kubernetes_sd_configs?: { role: string }[];
  relabel_configs?: RelabelConfig[];
}

export interface PrometheusConfig {
  global?: { scrape_interval?: string; scrape_timeout?: string; evaluation_interval?: string };
  scrape_configs: ScrapeConfig[];
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DEPLOY.dashboard, 'utf8')) as Dashboard;
}

export function readYaml<T>(path: string): T {
  return parse(readFileSync(path, 'utf8')) as T;
}

/** Every panel, those inside collapsed rows included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Rows only lay out the panels below them; every other panel shows data. */
export function isRow(panel: Panel): boolean {
  return panel.type === 'row';
}

/** Each query of the dashboard, with the panel it belongs to. */
export function dashboardTargets(dashboard: Dashboard): { panel: Panel; target: Target }[] {
  return allPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));
}

/** A template variable's query, in either of the forms Grafana stores. */
export function variableQuery(v: TemplateVariable): string {
  return typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
}

/** The names of the Partita, process and Node.js metrics a PromQL expression reads, as written. */
export function metricNames(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\b((?:partita|process|nodejs)_[a-zA-Z0-9_]+)\b/g)].map((m) => m[1]!))];
}

/**
 * Applies a scrape config's relabelling to a discovered target as Prometheus does (actions replace, keep and drop;
 * regexes anchored at both ends): the target's labels, or null when it is dropped. `instance` defaults to the address.
 */
export function relabel(scrape: ScrapeConfig, discovered: Record<string, string>): Record<string, string> | null {
  const labels: Record<string, string> = {
    job: scrape.job_name,
    __metrics_path__: scrape.metrics_path ?? '/metrics',
    __scheme__: 'http',
    ...discovered,
  };
  for (const rule of scrape.relabel_configs ?? []) {
    const value = (rule.source_labels ?? []).map((l) => labels[l] ?? '').join(rule.separator ?? ';');
    const match = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`).exec(value);
    const action = rule.action ?? 'replace';
    if (action === 'keep') {
      if (!match) return null;
    } else if (action === 'drop') {
      if (match) return null;
    } else if (action === 'replace') {
      if (!match || !rule.target_label) continue;
      const result = (rule.replacement ?? '$1').replace(
        /\$(?:(\d+)|\{(\d+)\})/g,
        (_, a?: string, b?: string) => match[Number(a ?? b)] ?? '',
      );
      if (result === '') delete labels[rule.target_label];
      else labels[rule.target_label] = result;
    } else {
      throw new Error(`relabel action ${action} is not simulated here`);
    }
  }
  labels['instance'] ??= labels['__address__'] ?? '';
  return labels;
}

// ---------------------------------------------------------------------------------------------------------------
// The container files: the Dockerfile, its build context's ignore file, the docker-compose stack.

export const DOCKER = {
  root: fileURLToPath(new URL('../../', import.meta.url)),
  dockerfile: fileURLToPath(new URL('../../deploy/docker/Dockerfile', import.meta.url)),
  dockerignore: fileURLToPath(new URL('../../.dockerignore', import.meta.url)),
  manifestsScript: fileURLToPath(new URL('../../deploy/docker/manifests.mjs', import.meta.url)),
  compose: fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)),
};

export { commandArgv, parseDockerfile } from '../../deploy/docker/dockerfile.mjs';
export type { DockerInstruction, DockerStage, Dockerfile } from '../../deploy/docker/dockerfile.mjs';

export function readDockerfile(): Dockerfile {
  return parseDockerfile(readFileSync(DOCKER.dockerfile, 'utf8'));
}

/** The stages a stage is built FROM, base first, the stage itself last. */
export function stageChain(dockerfile: Dockerfile, name: string): DockerStage[] {
  const chain: DockerStage[] = [];
  for (let stage = dockerfile.stages.find((s) => s.name === name); stage;) {
    if (chain.includes(stage)) throw new Error(`stage ${stage.name} is built FROM itself`);
    chain.unshift(stage);
    const parent = stage.from;
    stage = dockerfile.stages.slice(0, dockerfile.stages.indexOf(stage)).find((s) => s.name === parent);
  }
  return chain;
}

/** A stage's instructions with those it inherits, base first. */
export function chainInstructions(dockerfile: Dockerfile, name: string): DockerInstruction[] {
  return stageChain(dockerfile, name).flatMap((s) => s.instructions);
}

/** The ports a stage EXPOSEs, inherited ones included, ascending. */
export function exposedPorts(dockerfile: Dockerfile, name: string): number[] {
  const ports = chainInstructions(dockerfile, name)
    .filter((i) => i.keyword === 'EXPOSE')
    .flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.split('/')[0])));
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** The instruction of a kind in effect for a stage (the last one, inherited ones included). */
export function effective(dockerfile: Dockerfile, name: string, keyword: string): DockerInstruction | undefined {
  return chainInstructions(dockerfile, name)
    .filter((i) => i.keyword === keyword)
    .at(-1);
}

/** Is a context path (slash-separated, relative) left out by .dockerignore? The last pattern matching it or a parent decides. */
export function dockerignored(path: string, dockerignore: string = readFileSync(DOCKER.dockerignore, 'utf8')): boolean {
  return ignored(path, parseDockerignore(dockerignore));
}

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: unknown;
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  expose?: (string | number)[];
  volumes?: (string | { type?: string; source?: string; target: string; read_only?: boolean })[];
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
  healthcheck?: {
    test?: string | string[];
    interval?: string;
    timeout?: string;
    retries?: number;
    start_period?: string;
    disable?: boolean;
  };
  stop_grace_period?: string;
  container_name?: string;
  hostname?: string;
  deploy?: { replicas?: number };
  restart?: string;
}

export interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml as Compose reads it: YAML anchors and `<<` merge keys resolved. */
export function readCompose(): Compose {
  return parse(readFileSync(DOCKER.compose, 'utf8'), { merge: true }) as Compose;
}
