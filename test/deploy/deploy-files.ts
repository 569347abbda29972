import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

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

export interface DockerInstruction {
  /** Upper case: FROM, RUN, COPY… */
  keyword: string;
  /** Leading `--name=value` options (`--from`, `--interval`…); a bare `--name` is `'true'`. */
  flags: Record<string, string>;
  args: string;
  line: number;
}

export interface DockerStage {
  /** The `AS` name, else the stage's index. */
  name: string;
  /** The image or earlier stage it is built FROM, build arguments substituted. */
  from: string;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  args: Record<string, string>;
  stages: DockerStage[];
}

/** A Dockerfile as Docker reads it: comments dropped, continuation lines joined, flags split off, stages apart. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: DockerInstruction[] = [];
  let buffer = '';
  let line = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && buffer === '')) return;
    if (buffer === '') line = i + 1;
    if (trimmed.endsWith('\\')) {
      buffer += `${trimmed.slice(0, -1)} `;
      return;
    }
    buffer += trimmed;
    const match = /^(\S+)\s*([\s\S]*)$/.exec(buffer);
    buffer = '';
    if (!match) return;
    let rest = match[2]!;
    const flags: Record<string, string> = {};
    for (let flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); flag; flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
      flags[flag[1]!] = flag[2] ?? 'true';
      rest = rest.slice(flag[0].length);
    }
    instructions.push({ keyword: match[1]!.toUpperCase(), flags, args: rest.trim(), line });
  });
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const from = ins.args.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => args[(a ?? b)!] ?? '');
      const [image, as, name] = from.split(/\s+/);
      if (as !== undefined && (as.toUpperCase() !== 'AS' || !name)) throw new Error(`Dockerfile line ${ins.line}: FROM ${ins.args}`);
      stages.push({ name: name ?? String(stages.length), from: image!, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before the first FROM`);
      const [key, value] = ins.args.split('=', 2);
      args[key!.trim()] = (value ?? '').trim();
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { args, stages };
}

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

/** The instruction of a kind in effect for a stage (the last one, inherited ones included). */
export function effective(dockerfile: Dockerfile, name: string, keyword: string): DockerInstruction | undefined {
  return chainInstructions(dockerfile, name)
    .filter((i) => i.keyword === keyword)
    .at(-1);
}

/** CMD, ENTRYPOINT, RUN or HEALTHCHECK CMD arguments as an argv: the exec form's array, or `/bin/sh -c` with the shell form. */
export function commandArgv(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args];
}

/** A .dockerignore pattern as a regular expression over slash-separated paths relative to the context. */
function dockerignoreRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Is a context path (slash-separated, relative) left out by .dockerignore? The last pattern matching it or a parent decides. */
export function dockerignored(path: string, dockerignore: string = readFileSync(DOCKER.dockerignore, 'utf8')): boolean {
  const parts = path.split('/');
  let out = false;
  for (const raw of dockerignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const exclude = !line.startsWith('!');
    const re = dockerignoreRegExp((exclude ? line : line.slice(1)).trim().replace(/^\/+/, ''));
    for (let n = 1; n <= parts.length; n++) {
      if (re.test(parts.slice(0, n).join('/'))) {
        out = exclude;
        break;
      }
    }
  }
  return out;
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
