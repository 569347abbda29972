import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FINALIZE_QUEUE } from '@partita/contracts';
import { QUEUE_STATES, createMasterMetrics, createWorkerMetrics, type QueueDepths } from '@partita/telemetry';
import { MasterEnv } from '../../apps/master/src/env.js';
import { WorkerEnv } from '../../apps/worker/src/env.js';
import { appStatus } from './app-http.js';
import { DEPLOY, exposedPorts, metricNames, readDockerfile, readYaml, relabel, stageChain, type PrometheusConfig } from './deploy-files.js';
import { schemaProblems } from './k8s-schema.js';
import { BUILTIN_KINDS, BUILTIN_QUEUES } from '../support/kinds.js';

// ---------------------------------------------------------------------------------------------------------------
// What the manifests are checked against: the apps' environment schemas, their HTTP servers, the Dockerfile, the
// metrics registries and the Prometheus scrape config for Kubernetes.
// ---------------------------------------------------------------------------------------------------------------

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S = join(ROOT, 'deploy/k8s');
const README = join(ROOT, 'deploy/README.md');

interface Schema {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

type AppName = 'master' | 'worker';

interface EnvSchema {
  safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
}

interface App {
  /** The app's whole environment schema, refinements included (e.g. requireBlobStorage). */
  schema: EnvSchema;
  /** The app's environment: every variable it reads, with its schema. */
  env: Record<string, Schema>;
  /** The variable holding the port its HTTP server listens on. */
  portVar: string;
}

const APPS: Record<AppName, App> = {
  master: { schema: MasterEnv, env: MasterEnv.shape, portVar: 'PORT' },
  worker: { schema: WorkerEnv, env: WorkerEnv.shape, portVar: 'WORKER_HTTP_PORT' },
};
const APP_NAMES = Object.keys(APPS) as AppName[];

const BLOB_CONNECTION_STRING = 'AZURE_STORAGE_CONNECTION_STRING';
const BLOB_ACCOUNT_URL = 'AZURE_STORAGE_ACCOUNT_URL';
const WORKLOAD_IDENTITY_LABEL = 'azure.workload.identity/use';
const WORKLOAD_IDENTITY_CLIENT_ID = 'azure.workload.identity/client-id';

/** Does the app answer 200 on this path? Asked of the apps' real HTTP servers (the master's Fastify app, the worker's health server). */
const served = new Map<string, Promise<boolean>>();
function serves(app: AppName, path: string): Promise<boolean> {
  const key = `${app} ${path}`;
  let answer = served.get(key);
  if (!answer) {
    answer = appStatus(app, path).then((status) => status === 200);
    served.set(key, answer);
  }
  return answer;
}

/** The ports each Dockerfile stage EXPOSEs, its parent stage's included. */
function dockerfileExposes(): Map<string, number[]> {
  const dockerfile = readDockerfile();
  return new Map(dockerfile.stages.map((stage) => [stage.name, exposedPorts(dockerfile, stage.name)]));
}

/** The label sets the master and the workers export, by metric name, and whether the master exports it. */
async function exportedMetrics(): Promise<Map<string, { master: boolean; series: Record<string, string>[] }>> {
  const queues = [...BUILTIN_QUEUES, FINALIZE_QUEUE];
  const depths: QueueDepths = Object.fromEntries(
    queues.map((q) => [q, Object.fromEntries(QUEUE_STATES.map((s) => [s, 0])) as QueueDepths[string]]),
  );
  const master = createMasterMetrics({ kinds: BUILTIN_KINDS, queueDepths: async () => depths });
  const worker = createWorkerMetrics({ kinds: BUILTIN_KINDS, slots: 1 });
  const result = new Map<string, { master: boolean; series: Record<string, string>[] }>();
  for (const [registry, isMaster] of [
    [master.registry, true],
    [worker.registry, false],
  ] as const) {
    for (const m of await registry.getMetricsAsJSON()) {
      const entry = result.get(m.name) ?? { master: false, series: [] };
      entry.master ||= isMaster;
      for (const v of m.values) entry.series.push(Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, String(l)])));
      result.set(m.name, entry);
    }
  }
  return result;
}

const prometheusK8s = readYaml<PrometheusConfig>(DEPLOY.prometheusK8s);

// ---------------------------------------------------------------------------------------------------------------
// Rendering: `kubectl kustomize` of every overlay, of the base, and of each component on the base.
// ---------------------------------------------------------------------------------------------------------------

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  spec?: unknown;
  data?: Record<string, string>;
}
interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef; fieldRef?: { fieldPath: string }; resourceFieldRef?: unknown };
}
interface EnvFrom {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}
interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: unknown;
  exec?: unknown;
  grpc?: unknown;
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: EnvVar[];
  envFrom?: EnvFrom[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: { command?: string[] }; httpGet?: unknown } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    serviceAccountName?: string;
    terminationGracePeriodSeconds?: number;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
    containers: Container[];
    initContainers?: Container[];
    volumes?: { name: string; emptyDir?: object }[];
  };
}
interface Deployment extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }; template: PodTemplate };
}
interface Service extends K8sObject {
  spec: { selector?: Record<string, string>; ports: { name?: string; port: number; targetPort?: number | string }[] };
}
interface Pdb extends K8sObject {
  spec: { selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } };
}
interface Ingress extends K8sObject {
  spec: {
    ingressClassName?: string;
    rules?: { http?: { paths: { backend: { service?: { name: string; port: { name?: string; number?: number } } } }[] } }[];
  };
}
interface ScaleTargetRef {
  apiVersion?: string;
  kind?: string;
  name: string;
}
interface ScaledObject extends K8sObject {
  spec: {
    scaleTargetRef: ScaleTargetRef;
    minReplicaCount?: number;
    maxReplicaCount?: number;
    triggers: { type: string; metricType?: string; metadata: Record<string, string> }[];
  };
}
interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: ScaleTargetRef;
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { type: string; resource?: { name: string; target: { type: string } } }[];
  };
}

interface Kustomization {
  resources?: string[];
  components?: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
}

interface Variant {
  /** How the test names it, relative to deploy/k8s. */
  name: string;
  /** The kustomization directories that make it, in order (an overlay; or the base and a component). */
  layers: string[];
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const subdirs = (dir: string) => (isDir(dir) ? readdirSync(dir).filter((d) => isDir(join(dir, d))) : []);
const components = subdirs(join(K8S, 'components'));
const overlays = subdirs(join(K8S, 'overlays'));
const VARIANTS: Variant[] = [
  ...overlays.map((o) => ({ name: `overlays/${o}`, layers: [join(K8S, 'overlays', o)] })),
  { name: 'base', layers: [join(K8S, 'base')] },
  ...components.map((c) => ({ name: `base + components/${c}`, layers: [join(K8S, 'base'), join(K8S, 'components', c)] })),
];

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function kubectlKustomize(dir: string): string {
  try {
    return execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error('kubectl is not installed, and these tests need it to render the manifests: apt-get install kubectl');
    }
    throw new Error(`kubectl kustomize ${relative(ROOT, dir) || dir} failed:\n${e.stderr ?? e.message}`);
  }
}

const rendered = new Map<string, K8sObject[]>();
/** The variant's objects as `kubectl kustomize` renders them. */
function render(variant: Variant): K8sObject[] {
  let objects = rendered.get(variant.name);
  if (objects) return objects;
  let dir = variant.layers[0]!;
  if (variant.layers.length > 1) {
    // A component is rendered on top of the base from a kustomization of its own; kustomize takes relative paths only.
    dir = mkdtempSync(join(tmpdir(), 'partita-k8s-'));
    temporary.push(dir);
    const [resource, ...comps] = variant.layers.map((l) => relative(dir, l));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${resource}\ncomponents:\n${comps.map((c) => `  - ${c}\n`).join('')}`,
    );
  }
  const docs = parseAllDocuments(kubectlKustomize(dir));
  objects = docs.map((doc, i) => {
    if (doc.errors.length) throw new Error(`${variant.name}: document ${i}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as K8sObject;
  });
  rendered.set(variant.name, objects);
  return objects;
}

const ofKind = <T extends K8sObject>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as T[];
const where = (o: K8sObject, extra?: string) => `${o.kind}/${o.metadata.name}${extra ? ` ${extra}` : ''}`;
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

function readKustomization(dir: string): Kustomization {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new Error(`no kustomization in ${relative(ROOT, dir)}`);
  return readYaml<Kustomization>(file);
}

/** An image reference as kustomize's `images:` transform rewrites it, through every layer of a variant. */
function kustomizeImage(layers: string[], image: string): string {
  const apply = (dir: string, ref: string): string => {
    const k = readKustomization(dir);
    for (const sub of [...(k.resources ?? []), ...(k.components ?? [])]) {
      if (isDir(join(dir, sub))) ref = apply(join(dir, sub), ref);
    }
    for (const entry of k.images ?? []) {
      const m = /^(.*?)(?::([^:/@]+))?(?:@(.+))?$/.exec(ref)!;
      if (m[1] !== entry.name) continue;
      const tag = entry.newTag ?? m[2];
      const digest = entry.digest ?? m[3];
      ref = `${entry.newName ?? m[1]}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
    }
    return ref;
  };
  return layers.reduce((ref, dir) => apply(dir, ref), image);
}

// ---------------------------------------------------------------------------------------------------------------
// The containers' environment, as Kubernetes assembles it.
// ---------------------------------------------------------------------------------------------------------------

interface EnvSetting {
  /** `value`, a ConfigMap key, a Secret key or a field of the pod. */
  source: 'value' | 'configMap' | 'secret' | 'field';
  /** Known when written in the manifests (a value or a ConfigMap's data). */
  value?: string;
  /** Whether the variable is set for sure: an optional reference to a missing Secret key leaves it unset. */
  certain: boolean;
  origin: string;
}

function containerEnv(objects: K8sObject[], container: Container, problems: string[], at: string): Map<string, EnvSetting> {
  const configMaps = new Map(ofKind(objects, 'ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]));
  const env = new Map<string, EnvSetting>();
  const set = (name: string, setting: EnvSetting) => {
    const before = env.get(name);
    if (before) problems.push(`${at}: ${name} is set twice (${before.origin}, ${setting.origin}): which one wins is easy to get wrong`);
    env.set(name, setting);
  };
  for (const from of container.envFrom ?? []) {
    if (from.secretRef) {
      problems.push(
        `${at}: envFrom secretRef ${from.secretRef.name}: its keys cannot be checked; name each key with env[].valueFrom.secretKeyRef`,
      );
    }
    if (from.configMapRef) {
      const data = configMaps.get(from.configMapRef.name);
      if (!data) {
        if (!from.configMapRef.optional) problems.push(`${at}: envFrom ConfigMap ${from.configMapRef.name} is not in the manifests`);
        continue;
      }
      for (const [key, value] of Object.entries(data)) {
        set(`${from.prefix ?? ''}${key}`, { source: 'configMap', value, certain: true, origin: `ConfigMap ${from.configMapRef.name}` });
      }
    }
  }
  for (const v of container.env ?? []) {
    const ref = v.valueFrom;
    if (v.value !== undefined) set(v.name, { source: 'value', value: v.value, certain: true, origin: 'env' });
    else if (ref?.secretKeyRef) {
      const { name, key, optional } = ref.secretKeyRef;
      if (key !== v.name) problems.push(`${at}: ${v.name} reads Secret ${name} key ${key}: keep the key named as the variable`);
      set(v.name, { source: 'secret', certain: !optional, origin: `Secret ${name}` });
    } else if (ref?.configMapKeyRef) {
      const { name, key, optional } = ref.configMapKeyRef;
      const value = configMaps.get(name)?.[key];
      if (value === undefined && !optional) problems.push(`${at}: ${v.name} reads ConfigMap ${name} key ${key}, which the manifests lack`);
      set(v.name, { source: 'configMap', value, certain: value !== undefined, origin: `ConfigMap ${name}` });
    } else if (ref?.fieldRef || ref?.resourceFieldRef) set(v.name, { source: 'field', certain: true, origin: 'a pod field' });
    else set(v.name, { source: 'value', value: '', certain: true, origin: 'env' });
  }
  return env;
}

/** A setting's value as the app reads it: the manifests' value, else the schema's default (undefined when none). */
function effective(app: AppName, env: Map<string, EnvSetting>, name: string): unknown {
  const schema = APPS[app].env[name];
  if (!schema) throw new Error(`${app} has no variable ${name}`);
  const parsed = schema.safeParse(env.get(name)?.value);
  return parsed.success ? parsed.data : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The Partita workloads of a render: each Deployment's container running the master or the worker image.
// ---------------------------------------------------------------------------------------------------------------

interface Workload {
  deployment: Deployment;
  container: Container;
  app: AppName;
  at: string;
}

function workloads(variant: Variant, objects: K8sObject[]): { workloads: Workload[]; problems: string[] } {
  const images = new Map(APP_NAMES.map((app) => [kustomizeImage(variant.layers, `partita-${app}`), app]));
  const problems: string[] = [];
  const found: Workload[] = [];
  for (const d of ofKind<Deployment>(objects, 'Deployment')) {
    for (const c of [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers]) {
      const app = images.get(c.image);
      const at = where(d, `container ${c.name}`);
      if (app) found.push({ deployment: d, container: c, app, at });
      else problems.push(`${at}: image ${c.image} is none of the kustomize images ${[...images.keys()].join(', ')}`);
    }
  }
  return { workloads: found, problems };
}

function portNumber(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function preStopSleepSeconds(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (!preStop) return 0;
  if (preStop.sleep) return preStop.sleep.seconds;
  const command = (preStop.exec?.command ?? []).join(' ');
  const m = /\bsleep\s+(\d+(?:\.\d+)?)\b/.exec(command);
  return m ? Number(m[1]) : 0;
}

/** The target Prometheus makes of a pod of this Deployment (deploy/prometheus/prometheus-k8s.yml), or null. */
function scrapeTarget(d: Deployment, port: number): Record<string, string> | null {
  const meta = d.spec.template.metadata;
  const sanitize = (k: string) => k.replace(/[^a-zA-Z0-9_]/g, '_');
  return relabel(prometheusK8s.scrape_configs[0]!, {
    __address__: `10.0.0.1:${port}`,
    __meta_kubernetes_namespace: d.metadata.namespace ?? 'default',
    __meta_kubernetes_pod_name: `${d.metadata.name}-5d8f7c9b4-x2x7q`,
    __meta_kubernetes_pod_phase: 'Running',
    ...Object.fromEntries(Object.entries(meta.labels ?? {}).map(([k, v]) => [`__meta_kubernetes_pod_label_${sanitize(k)}`, v])),
    ...Object.fromEntries(Object.entries(meta.annotations ?? {}).map(([k, v]) => [`__meta_kubernetes_pod_annotation_${sanitize(k)}`, v])),
  });
}

/** The label matchers of each selector of `metric` in a PromQL expression. */
function selectorsOf(expr: string, metric: string): { label: string; op: string; value: string }[][] {
  const selectors: { label: string; op: string; value: string }[][] = [];
  const re = new RegExp(`\\b${metric}\\b\\s*(\\{([^}]*)\\})?`, 'g');
  for (const m of expr.matchAll(re)) {
    const body = m[2] ?? '';
    selectors.push(
      [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({
        label: x[1]!,
        op: x[2]!,
        value: x[3]!,
      })),
    );
  }
  return selectors;
}

function matches(op: string, pattern: string, value: string): boolean {
  switch (op) {
    case '=':
      return value === pattern;
    case '!=':
      return value !== pattern;
    case '=~':
      return new RegExp(`^(?:${pattern})$`).test(value);
    default:
      return !new RegExp(`^(?:${pattern})$`).test(value);
  }
}

// ---------------------------------------------------------------------------------------------------------------

describe('the apps the manifests describe', () => {
  it('serve /healthz, /readyz and /metrics, and nothing on a misspelt path', async () => {
    for (const app of APP_NAMES) {
      for (const path of ['/healthz', '/readyz', '/metrics']) expect(await serves(app, path), `${app} ${path}`).toBe(true);
      expect(await serves(app, '/health'), `${app} /health`).toBe(false);
    }
  });

  it('are built by Dockerfile targets that EXPOSE one port each', () => {
    const exposes = dockerfileExposes();
    for (const app of APP_NAMES) expect(exposes.get(app), `Dockerfile target ${app}`).toHaveLength(1);
  });

  it('are rendered by at least one overlay, with KEDA in one and the CPU HPA alternative in another', () => {
    expect(overlays.length).toBeGreaterThan(0);
    const kinds = overlays.map((o) => new Set(render({ name: `overlays/${o}`, layers: [join(K8S, 'overlays', o)] }).map((x) => x.kind)));
    expect(kinds.some((k) => k.has('ScaledObject'))).toBe(true);
    expect(kinds.some((k) => k.has('HorizontalPodAutoscaler'))).toBe(true);
  });
});

describe.each(VARIANTS)('$name', (variant) => {
  it('renders with kubectl kustomize, one namespace for every namespaced object', () => {
    const objects = render(variant);
    expect(objects.length).toBeGreaterThan(0);
    const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace ?? '(none)'));
    expect([...namespaces], 'namespaces').toHaveLength(1);
    const declared = ofKind(objects, 'Namespace').map((n) => n.metadata.name);
    if (declared.length) expect(declared).toEqual([...namespaces]);
  });

  it('matches the Kubernetes 1.30 and KEDA 2.19 schemas, strictly: no unknown field, no value of the wrong type', () => {
    const objects = render(variant);
    expect(objects.flatMap((o) => schemaProblems(o).map((p) => `${where(o)}: ${p}`))).toEqual([]);
  });

  it('runs the master and worker images that kustomize names, from Dockerfile targets, with a tag', () => {
    const objects = render(variant);
    const { workloads: found, problems } = workloads(variant, objects);
    expect(problems).toEqual([]);
    expect(new Set(found.map((w) => w.app)), 'apps run').toEqual(new Set(APP_NAMES));
    const exposes = dockerfileExposes();
    for (const w of found) {
      expect(exposes.has(w.app), `${w.at}: no Dockerfile target ${w.app}`).toBe(true);
      expect(w.container.image, w.at).toMatch(/:[\w][\w.-]*$|@sha256:[0-9a-f]{64}$/);
      expect(w.container.image, w.at).not.toMatch(/:latest$/);
      // The repositories `az acr build` pushes to (deploy/README.md): partita-<target>, of the app's own target or of
      // one built from it (the worker-python target is a worker).
      const repository = w.container.image
        .replace(/[:@].*$/, '')
        .split('/')
        .pop();
      const target = /^partita-(.+)$/.exec(repository ?? '')?.[1] ?? '';
      expect(
        stageChain(readDockerfile(), target).map((s) => s.name),
        `${w.at}: image ${w.container.image}`,
      ).toContain(w.app);
    }
  });

  it('selects its own pods: Deployment, Service and PodDisruptionBudget selectors', () => {
    const objects = render(variant);
    const problems: string[] = [];
    const deployments = ofKind<Deployment>(objects, 'Deployment');
    for (const d of deployments) {
      const labels = d.spec.template.metadata.labels;
      if (d.spec.selector.matchExpressions?.length) problems.push(`${where(d)}: matchExpressions are not checked here`);
      if (!selects(d.spec.selector.matchLabels ?? {}, labels)) problems.push(`${where(d)}: selector does not select its own pods`);
    }
    const selected = (o: K8sObject, selector: Record<string, string> | undefined) => {
      if (!selector || !Object.keys(selector).length) {
        problems.push(`${where(o)}: no selector`);
        return [];
      }
      const hits = deployments.filter((d) => selects(selector, d.spec.template.metadata.labels));
      if (hits.length !== 1)
        problems.push(`${where(o)}: selects the pods of ${hits.length} Deployments (${hits.map((d) => d.metadata.name).join(', ')})`);
      return hits;
    };
    for (const pdb of ofKind<Pdb>(objects, 'PodDisruptionBudget')) {
      if (pdb.spec.selector.matchExpressions?.length) problems.push(`${where(pdb)}: matchExpressions are not checked here`);
      selected(pdb, pdb.spec.selector.matchLabels);
    }
    for (const svc of ofKind<Service>(objects, 'Service')) {
      for (const d of selected(svc, svc.spec.selector)) {
        for (const p of svc.spec.ports) {
          const target = p.targetPort ?? p.port;
          const ok = d.spec.template.spec.containers.some((c) => portNumber(c, target) !== undefined);
          if (!ok) problems.push(`${where(svc)} port ${p.port}: targetPort ${target} is no container port of ${d.metadata.name}`);
        }
      }
    }
    for (const ing of ofKind<Ingress>(objects, 'Ingress')) {
      for (const path of ing.spec.rules?.flatMap((r) => r.http?.paths ?? []) ?? []) {
        const backend = path.backend.service;
        const svc = ofKind<Service>(objects, 'Service').find((s) => s.metadata.name === backend?.name);
        const port = svc?.spec.ports.find((p) => p.name === backend?.port.name || p.port === backend?.port.number);
        if (!port) problems.push(`${where(ing)}: backend ${JSON.stringify(backend)} is no Service port`);
      }
    }
    // Every Deployment has a disruption budget.
    for (const d of deployments) {
      const pdbs = ofKind<Pdb>(objects, 'PodDisruptionBudget').filter((p) =>
        selects(p.spec.selector.matchLabels ?? {}, d.spec.template.metadata.labels),
      );
      if (pdbs.length !== 1) problems.push(`${where(d)}: ${pdbs.length} PodDisruptionBudgets`);
    }
    expect(problems).toEqual([]);
  });

  it('sets only variables the apps read, with values they accept, and every variable they require', () => {
    const objects = render(variant);
    const problems: string[] = [];
    for (const { deployment, container, app, at } of workloads(variant, objects).workloads) {
      const schema = APPS[app].env;
      const env = containerEnv(objects, container, problems, at);
      for (const [name, setting] of env) {
        const s = schema[name];
        if (!s) {
          problems.push(`${at}: ${name} (${setting.origin}) is not a variable of the ${app} (apps/${app}/src/env.ts)`);
          continue;
        }
        if (setting.value !== undefined && !s.safeParse(setting.value).success) {
          problems.push(`${at}: ${name}=${JSON.stringify(setting.value)} (${setting.origin}) is rejected by the ${app}'s schema`);
        }
      }
      for (const [name, s] of Object.entries(schema)) {
        const unset = s.safeParse(undefined);
        if (!unset.success && !env.get(name)?.certain) problems.push(`${at}: required ${name} is not set for sure`);
        // A default that names the local machine (the catalog's, Redis's) is for development: in a pod it must be set.
        if (unset.success && /\b(127\.0\.0\.1|localhost)\b/.test(String(unset.data)) && !env.get(name)?.certain) {
          problems.push(`${at}: ${name} defaults to ${String(unset.data)}, which is not there in a pod: set it`);
        }
      }
      // The whole schema, refinements included (a connection string or an account URL): values from Secrets and pod
      // fields are unknown here, so they stand in with a placeholder, and only the other variables' issues count.
      const unknown = new Set([...env].filter(([, e]) => e.value === undefined && e.certain).map(([name]) => name));
      const whole = Object.fromEntries(
        [...env].flatMap(([name, e]) => (e.value !== undefined ? [[name, e.value]] : unknown.has(name) ? [[name, 'x']] : [])),
      );
      for (const issue of APPS[app].schema.safeParse(whole).error?.issues ?? []) {
        const name = String(issue.path[0] ?? '');
        // Written values were checked one by one above.
        if (!unknown.has(name) && env.get(name)?.value === undefined)
          problems.push(`${at}: the ${app} would not start: ${name || '(environment)'}: ${issue.message}`);
      }
      const url = env.get(BLOB_ACCOUNT_URL);
      const connection = env.get(BLOB_CONNECTION_STRING);
      // Workload Identity: the account URL and no connection string (the client id is checked with the service account).
      if (deployment.spec.template.metadata.labels?.[WORKLOAD_IDENTITY_LABEL] === 'true') {
        if (connection)
          problems.push(`${at}: Workload Identity pods must not get ${BLOB_CONNECTION_STRING} (it would win over the identity)`);
        if (!url?.value) problems.push(`${at}: Workload Identity pods need ${BLOB_ACCOUNT_URL}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('runs pods as a service account of the manifests; Workload Identity pods as one with a client id', () => {
    const objects = render(variant);
    const accounts = new Map(ofKind(objects, 'ServiceAccount').map((sa) => [sa.metadata.name, sa]));
    for (const d of ofKind<Deployment>(objects, 'Deployment')) {
      const name = d.spec.template.spec.serviceAccountName ?? 'default';
      expect(accounts.has(name), `${where(d)}: ServiceAccount ${name}`).toBe(true);
      if (d.spec.template.metadata.labels?.[WORKLOAD_IDENTITY_LABEL] === 'true') {
        const clientId = accounts.get(name)?.metadata.annotations?.[WORKLOAD_IDENTITY_CLIENT_ID] ?? '(none)';
        expect(clientId, `${where(d)}: ServiceAccount ${name} annotation ${WORKLOAD_IDENTITY_CLIENT_ID}`).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
      }
    }
  });

  it('listens, probes and is scraped on the Dockerfile port, the configured port and paths the apps serve', async () => {
    const objects = render(variant);
    const exposes = dockerfileExposes();
    const problems: string[] = [];
    for (const { deployment, container, app, at } of workloads(variant, objects).workloads) {
      const env = containerEnv(objects, container, [], at);
      const listens = effective(app, env, APPS[app].portVar);
      const ports = (container.ports ?? []).map((p) => p.containerPort).sort((a, b) => a - b);
      if (JSON.stringify(ports) !== JSON.stringify(exposes.get(app))) {
        problems.push(
          `${at}: container ports ${ports.join(', ')} but the Dockerfile's ${app} target EXPOSEs ${exposes.get(app)?.join(', ')}`,
        );
      }
      if (!ports.includes(listens as number))
        problems.push(`${at}: the ${app} listens on ${APPS[app].portVar}=${String(listens)}, not a container port`);

      const probes = { startupProbe: undefined, livenessProbe: '/healthz', readinessProbe: '/readyz' } as const;
      for (const [kind, expected] of Object.entries(probes) as [keyof typeof probes, string | undefined][]) {
        const probe = container[kind];
        if (!probe) {
          if (kind !== 'startupProbe') problems.push(`${at}: no ${kind}`);
          continue;
        }
        const get = probe.httpGet;
        if (!get) {
          problems.push(`${at}: ${kind} is not an httpGet probe`);
          continue;
        }
        const path = get.path ?? '/';
        if (expected && path !== expected) problems.push(`${at}: ${kind} on ${path}, expected ${expected}`);
        if (!(await serves(app, path))) problems.push(`${at}: ${kind} on ${path}, which the ${app} does not serve`);
        if (portNumber(container, get.port) !== listens)
          problems.push(
            `${at}: ${kind} on port ${get.port} (${portNumber(container, get.port)}), the ${app} listens on ${String(listens)}`,
          );
      }

      const target = scrapeTarget(deployment, ports[0] ?? 0);
      if (!target) {
        problems.push(`${at}: its pods are not scraped by deploy/prometheus/prometheus-k8s.yml (annotations?)`);
        continue;
      }
      const annotated = Number(target['__address__']?.split(':')[1]);
      if (annotated !== listens) problems.push(`${at}: prometheus.io/port ${annotated}, the ${app} listens on ${String(listens)}`);
      const path = target['__metrics_path__'] ?? '';
      if (path !== '/metrics' || !(await serves(app, path)))
        problems.push(`${at}: scraped on ${path}, the ${app}'s metrics are on /metrics`);
      if (target['component'] !== app || target['job'] !== `partita-${app}`) {
        problems.push(`${at}: scraped as component ${target['component']}, job ${target['job']} (the label app.kubernetes.io/component?)`);
      }
      if (deployment.spec.template.metadata.labels?.['app.kubernetes.io/name'] !== 'partita')
        problems.push(`${at}: pods not labelled app.kubernetes.io/name: partita`);
    }
    expect(problems).toEqual([]);
  });

  it('lets a worker drain: grace period > SHUTDOWN_TIMEOUT_MS + the preStop sleep', () => {
    const objects = render(variant);
    const problems: string[] = [];
    for (const { deployment, container, app, at } of workloads(variant, objects).workloads) {
      const grace = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
      const env = containerEnv(objects, container, [], at);
      const shutdown = 'SHUTDOWN_TIMEOUT_MS' in APPS[app].env ? (effective(app, env, 'SHUTDOWN_TIMEOUT_MS') as number) / 1000 : 0;
      const sleep = preStopSleepSeconds(container);
      if (!(grace > shutdown + sleep)) {
        problems.push(
          `${at}: terminationGracePeriodSeconds ${grace} is not above SHUTDOWN_TIMEOUT_MS ${shutdown} s + preStop sleep ${sleep} s`,
        );
      }
      if (app === 'worker' && !container.lifecycle?.preStop) problems.push(`${at}: no preStop hook`);
    }
    expect(problems).toEqual([]);
  });

  it('runs as non-root on a read-only root file system, without capabilities, with a writable /tmp', () => {
    const objects = render(variant);
    const problems: string[] = [];
    for (const { deployment, container, at } of workloads(variant, objects).workloads) {
      const pod = deployment.spec.template.spec;
      const sc = container.securityContext ?? {};
      if (!(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) problems.push(`${at}: runAsNonRoot`);
      // The image names its user (USER node), which the kubelet cannot check against runAsNonRoot: a numeric uid.
      const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
      if (!(typeof uid === 'number' && uid > 0)) problems.push(`${at}: runAsUser must be a non-zero uid`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation: false`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem: true`);
      if (!sc.capabilities?.drop?.includes('ALL') || sc.capabilities.add?.length) problems.push(`${at}: capabilities: drop ALL, add none`);
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      if (!tmp || !pod.volumes?.some((v) => v.name === tmp.name && v.emptyDir)) problems.push(`${at}: /tmp from an emptyDir`);
      if (!container.resources?.requests?.['cpu'] || !container.resources.requests['memory'] || !container.resources.limits?.['memory']) {
        problems.push(`${at}: cpu and memory requests and a memory limit`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('autoscales the worker Deployment only, once, on metrics and label values that exist', async () => {
    const objects = render(variant);
    const { workloads: found } = workloads(variant, objects);
    const workerDeployments = new Set(found.filter((w) => w.app === 'worker').map((w) => w.deployment.metadata.name));
    const masters = found.filter((w) => w.app === 'master');
    const problems: string[] = [];
    const scaled: string[] = [];
    const target = (o: K8sObject, ref: ScaleTargetRef) => {
      if ((ref.kind ?? 'Deployment') !== 'Deployment' || !workerDeployments.has(ref.name)) {
        problems.push(
          `${where(o)}: targets ${ref.kind ?? 'Deployment'}/${ref.name}, not the worker Deployment (${[...workerDeployments].join(', ')})`,
        );
      }
      scaled.push(ref.name);
    };

    for (const hpa of ofKind<Hpa>(objects, 'HorizontalPodAutoscaler')) {
      target(hpa, hpa.spec.scaleTargetRef);
      for (const m of hpa.spec.metrics ?? []) {
        if (m.type === 'Resource' && m.resource?.target.type === 'Utilization') {
          const cpu = found
            .filter((w) => w.deployment.metadata.name === hpa.spec.scaleTargetRef.name)
            .every((w) => w.container.resources?.requests?.[m.resource!.name]);
          if (!cpu) problems.push(`${where(hpa)}: ${m.resource.name} utilisation needs a ${m.resource.name} request on every container`);
        }
      }
    }

    const exported = await exportedMetrics();
    for (const so of ofKind<ScaledObject>(objects, 'ScaledObject')) {
      target(so, so.spec.scaleTargetRef);
      const prometheus = so.spec.triggers.filter((t) => t.type === 'prometheus');
      if (!prometheus.length) problems.push(`${where(so)}: no prometheus trigger`);
      for (const trigger of prometheus) {
        const query = trigger.metadata['query'] ?? '';
        const threshold = Number(trigger.metadata['threshold']);
        if (!(threshold > 0)) problems.push(`${where(so)}: threshold ${trigger.metadata['threshold']}`);
        if (!/^https?:\/\/\S+$/.test(trigger.metadata['serverAddress'] ?? ''))
          problems.push(`${where(so)}: serverAddress ${trigger.metadata['serverAddress']}`);
        const names = metricNames(query);
        if (!names.length) problems.push(`${where(so)}: the query reads no Partita metric: ${query}`);
        for (const name of names) {
          const metric = exported.get(name);
          if (!metric) problems.push(`${where(so)}: ${name} is registered by neither createMasterMetrics nor createWorkerMetrics`);
          // At zero workers only the master reports: a query on worker metrics could never scale up from zero.
          else if ((so.spec.minReplicaCount ?? 0) === 0 && !metric.master)
            problems.push(`${where(so)}: ${name} is not exported by the master, so nothing reports it at zero workers`);
        }
        if (!names.includes('partita_queue_jobs')) {
          problems.push(`${where(so)}: the query should read partita_queue_jobs`);
          continue;
        }
        // Every master replica reports the same depths: one copy of each (queue, state) series, then the sum.
        if (
          masters.some((m) => (m.deployment.spec.replicas ?? 1) > 1) &&
          !/\bmax\s+by\s*\(\s*(queue\s*,\s*state|state\s*,\s*queue)\s*\)/.test(query)
        ) {
          problems.push(`${where(so)}: several masters report partita_queue_jobs: take max by (queue, state) before adding up`);
        }
        for (const by of query.matchAll(/\bby\s*\(([^)]*)\)/g)) {
          for (const label of by[1]!
            .split(',')
            .map((l) => l.trim())
            .filter(Boolean)) {
            if (label !== 'queue' && label !== 'state') problems.push(`${where(so)}: by (${label}): partita_queue_jobs has no such label`);
          }
        }
        // The labels Prometheus attaches to the master's series (prometheus-k8s.yml), next to the metric's own.
        const scrapes = masters.map((m) => scrapeTarget(m.deployment, m.container.ports?.[0]?.containerPort ?? 0) ?? {});
        const series: Record<string, string>[] = (exported.get('partita_queue_jobs')?.series ?? []).flatMap((s) =>
          scrapes.map((t) => ({ ...s, job: t['job'] ?? '', namespace: t['namespace'] ?? '' })),
        );
        for (const matchers of selectorsOf(query, 'partita_queue_jobs')) {
          for (const m of matchers) {
            const values = new Set(series.map((s) => s[m.label]).filter((v): v is string => v !== undefined));
            if (!values.size) problems.push(`${where(so)}: ${m.label}${m.op}"${m.value}": partita_queue_jobs has no label ${m.label}`);
            else if (m.op === '=' && !values.has(m.value)) {
              problems.push(`${where(so)}: ${m.label}="${m.value}", but the master's series have ${m.label} ${[...values].join(', ')}`);
            }
            // An alternation of plain names: each must be a value that exists.
            else if (m.op === '=~' && /^[\w-]+(\|[\w-]+)*$/.test(m.value)) {
              for (const alt of m.value.split('|')) {
                if (!values.has(alt)) problems.push(`${where(so)}: ${m.label}=~"${m.value}": no series has ${m.label}="${alt}"`);
              }
            }
          }
          const picked = series.filter((s) => matchers.every((m) => matches(m.op, m.value, s[m.label] ?? '')));
          const queues = [...new Set(picked.map((s) => s['queue']))].sort().join(', ');
          const states = [...new Set(picked.map((s) => s['state']))].sort().join(', ');
          const partitionQueues = [...BUILTIN_QUEUES].sort().join(', ');
          if (queues !== partitionQueues)
            problems.push(`${where(so)}: counts queues [${queues}], not the partition queues [${partitionQueues}]`);
          if (states !== 'active, delayed, waiting')
            problems.push(`${where(so)}: counts states [${states}], not [active, delayed, waiting]`);
        }
      }
    }
    const twice = scaled.filter((name, i) => scaled.indexOf(name) !== i);
    if (twice.length) problems.push(`more than one autoscaler drives ${twice.join(', ')}`);
    for (const name of scaled) {
      const d = ofKind<Deployment>(objects, 'Deployment').find((x) => x.metadata.name === name);
      if (d?.spec.replicas !== undefined) problems.push(`${where(d)}: replicas is set, and each apply would fight the autoscaler`);
    }
    expect(problems).toEqual([]);
  });
});

describe('the aks overlay', () => {
  const aks: Variant = { name: 'overlays/aks', layers: [join(K8S, 'overlays/aks')] };

  it('runs in namespace partita, signs in to Blob Storage with Workload Identity, and scales workers with KEDA from zero', () => {
    const objects = render(aks);
    expect(ofKind(objects, 'Namespace').map((n) => n.metadata.name)).toEqual(['partita']);
    const { workloads: found } = workloads(aks, objects);
    for (const w of found) {
      expect(w.deployment.metadata.namespace, w.at).toBe('partita');
      expect(w.deployment.spec.template.metadata.labels?.[WORKLOAD_IDENTITY_LABEL], w.at).toBe('true');
      expect(w.container.image, w.at).toMatch(new RegExp(`^<your-registry>\\.azurecr\\.io/partita-${w.app}:`));
    }
    const masters = found.filter((w) => w.app === 'master');
    expect(masters.map((m) => m.deployment.spec.replicas)).toEqual([2]);
    const [so] = ofKind<ScaledObject>(objects, 'ScaledObject');
    expect(so?.spec.minReplicaCount).toBe(0);
    expect(so?.spec.maxReplicaCount).toBeGreaterThan(0);
    expect(so?.spec.triggers[0]?.metadata['query']).toContain('namespace="partita"');
  });

  it('documents the Secret the manifests read: every key they require, only variables the apps read', () => {
    const objects = render(aks);
    const readme = readFileSync(README, 'utf8');
    const command = /kubectl[^\n]*create secret generic (\S+)((?:[^\n]*\\\n)*[^\n]*)/.exec(readme);
    expect(command, 'deploy/README.md: kubectl create secret generic …').not.toBeNull();
    const documented = [...command![2]!.matchAll(/--from-literal=([A-Z_][A-Z0-9_]*)=/g)].map((m) => m[1]!);
    const refs = ofKind<Deployment>(objects, 'Deployment').flatMap((d) =>
      d.spec.template.spec.containers.flatMap((c) =>
        (c.env ?? []).flatMap((v) => (v.valueFrom?.secretKeyRef ? [v.valueFrom.secretKeyRef] : [])),
      ),
    );
    expect(new Set(refs.map((r) => r.name)), 'Secret names').toEqual(new Set([command![1]]));
    for (const ref of refs.filter((r) => !r.optional)) expect(documented, `Secret key ${ref.key}`).toContain(ref.key);
    for (const key of documented)
      expect(
        refs.map((r) => r.key),
        `documented key ${key}`,
      ).toContain(key);
    // The documented URLs use TLS: rediss:// and sslmode=require.
    expect(command![2]).toMatch(/REDIS_URL=["']?rediss:\/\//);
    expect(command![2]).toMatch(/DATABASE_URL=["']?postgres(ql)?:\/\/[^\s"']*sslmode=(require|verify-full)/);
  });
});

describe('the schema check', () => {
  // What it is there for, planted in copies of the aks overlay's objects: kubectl kustomize renders all of these.
  const aks: Variant = { name: 'overlays/aks', layers: [join(K8S, 'overlays/aks')] };
  function copyOf<T extends K8sObject>(kind: string, name: string): T {
    const found = render(aks).find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`overlays/aks renders no ${kind}/${name}`);
    return structuredClone(found) as T;
  }
  const fields = (value: object) => value as Record<string, unknown>;

  it('lets maps hold keys of their own, and quantities be numbers, as the API server does', () => {
    const worker = copyOf<Deployment>('Deployment', 'partita-worker');
    worker.metadata.annotations = { 'example.com/any-key': 'any value' };
    fields(worker.spec.template.spec.containers[0]!.resources!.requests!)['cpu'] = 1;
    expect(schemaProblems(worker)).toEqual([]);
  });

  it('rejects a misspelt field, naming its path', () => {
    const worker = copyOf<Deployment>('Deployment', 'partita-worker');
    const container = fields(worker.spec.template.spec.containers[0]!);
    container['resourcez'] = container['resources'];
    delete container['resources'];
    container['imagePullPolicyy'] = 'Always';
    expect(schemaProblems(worker).sort()).toEqual([
      'spec.template.spec.containers[0].imagePullPolicyy: unknown field',
      'spec.template.spec.containers[0].resourcez: unknown field',
    ]);
    const scaledObject = copyOf<ScaledObject>('ScaledObject', 'partita-worker');
    fields(scaledObject.spec)['pollingIntervall'] = 15;
    expect(schemaProblems(scaledObject)).toEqual(['spec.pollingIntervall: unknown field']);
  });

  it('rejects a value of the wrong type, naming its path', () => {
    const master = copyOf<Deployment>('Deployment', 'partita-master');
    fields(master.spec)['replicas'] = 'two';
    // An unquoted `true` in YAML: label values are strings.
    fields(master.spec.template.metadata.labels!)['azure.workload.identity/use'] = true;
    expect(schemaProblems(master).sort()).toEqual([
      'spec.replicas: must be number',
      'spec.template.metadata.labels["azure.workload.identity/use"]: must be string',
    ]);
    const scaledObject = copyOf<ScaledObject>('ScaledObject', 'partita-worker');
    fields(scaledObject.spec.triggers[0]!.metadata)['threshold'] = 2;
    expect(schemaProblems(scaledObject)).toEqual(['spec.triggers[0].metadata.threshold: must be string']);
  });

  it('rejects an object without a field its kind requires', () => {
    const scaledObject = copyOf<ScaledObject>('ScaledObject', 'partita-worker');
    delete fields(scaledObject.spec.triggers[0]!)['type'];
    expect(schemaProblems(scaledObject)).toEqual(['spec.triggers[0].type: required, missing']);
  });

  it('rejects a kind it has no schema for: nothing would check it', () => {
    expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      expect.stringContaining('no schema for apiVersion example.com/v1, kind Widget'),
    ]);
  });
});
