import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MasterEnv } from '../../apps/master/src/env.js';
import { WorkerEnv } from '../../apps/worker/src/env.js';
import {
  DEPLOY,
  DOCKER,
  chainInstructions,
  commandArgv,
  effective,
  parseDockerfile,
  readCompose,
  readYaml,
  type ComposeService,
  type Dockerfile,
  type PrometheusConfig,
} from './deploy-files.js';

// docker-compose.yml, read as Compose reads it (anchors and `<<` merge keys resolved), checked against the apps'
// environment schemas, the Dockerfile, the Prometheus scrape config and the Grafana provisioning.

const ROOT = DOCKER.root;
const compose = readCompose();
const services = compose.services;

interface Schema {
  safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
}

type AppName = 'master' | 'worker';
const APPS: Record<AppName, { schema: Schema; shape: Record<string, Schema>; portVar: string; defaultPort: number }> = {
  master: { schema: MasterEnv, shape: MasterEnv.shape, portVar: 'PORT', defaultPort: MasterEnv.shape.PORT.parse(undefined) },
  worker: {
    schema: WorkerEnv,
    shape: WorkerEnv.shape,
    portVar: 'WORKER_HTTP_PORT',
    defaultPort: WorkerEnv.shape.WORKER_HTTP_PORT.parse(undefined),
  },
};
const APP_NAMES = Object.keys(APPS) as AppName[];

/**
 * The only values Compose takes from the host's environment: secrets that must not be in the repository. Each is
 * written `${HOST_VAR:?message}`, so that Compose stops with the message when the host has no value; `sample` stands
 * in for it when the app's schema checks the environment.
 */
const FROM_HOST: Record<AppName, Record<string, { hostVar: string; sample: string }>> = {
  master: { API_TOKENS: { hostVar: 'PARTITA_API_TOKENS', sample: 'me:admin:a-token-long-enough-to-pass' } },
  worker: {},
};

function service(name: string): ComposeService {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

/** A service's environment as the container gets it: the map form or the `KEY=value` list form. */
function environment(s: ComposeService): Record<string, string | number | boolean | null> {
  const env = s.environment ?? {};
  if (!Array.isArray(env)) return { ...env };
  return Object.fromEntries(env.map((e) => [e.split('=')[0]!, e.includes('=') ? e.slice(e.indexOf('=') + 1) : null]));
}

/** A variable's value for an app: set in compose, else the schema's default. */
function setting(app: AppName, key: string): string {
  const value = environment(service(app))[key];
  if (value !== undefined) return String(value);
  const schema = APPS[app].shape[key] as unknown as { parse(v: unknown): unknown };
  return String(schema.parse(undefined));
}

/** `ports` entries as container port, host port and host address (short `[ip:][host:]container[/proto]` or long syntax). */
function ports(s: ComposeService): { target: number; published?: string; hostIp?: string }[] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'object') return { target: p.target, published: p.published?.toString(), hostIp: p.host_ip };
    const parts = String(p).split('/')[0]!.split(':');
    const target = Number(parts.pop());
    const published = parts.pop();
    return { target, published, hostIp: parts.pop() };
  });
}

/** A Compose duration (`1m30s`, `35s`, `500ms`) in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(h|ms|us|m|s)/g, (_, n: string, unit: string) => {
    total += Number(n) * units[unit]!;
    return '';
  });
  if (rest !== '' || text === '') throw new Error(`not a duration: ${text}`);
  return total;
}

function commandTokens(s: ComposeService): string[] {
  return Array.isArray(s.command) ? s.command : (s.command ?? '').split(/\s+/).filter(Boolean);
}

/** Bind mounts as `{ source (relative to the repository), target }`. */
function binds(s: ComposeService): { source: string; target: string; readOnly: boolean }[] {
  return (s.volumes ?? []).flatMap((v) => {
    if (typeof v === 'object')
      return v.type === 'bind' && v.source ? [{ source: v.source, target: v.target, readOnly: !!v.read_only }] : [];
    const [source, target, mode] = v.split(':');
    return source!.startsWith('.') || source!.startsWith('/') ? [{ source: source!, target: target!, readOnly: mode === 'ro' }] : [];
  });
}

const repoPath = (source: string): string => posix.normalize(source).replace(/^\.\//, '');

function dockerfileOf(s: ComposeService): { dockerfile: Dockerfile; target: string } | undefined {
  if (!s.build) return undefined;
  const build = typeof s.build === 'string' ? { context: s.build } : s.build;
  const path = join(ROOT, build.context ?? '.', build.dockerfile ?? 'Dockerfile');
  return { dockerfile: parseDockerfile(readFileSync(path, 'utf8')), target: build.target ?? '' };
}

function hasHealthcheck(name: string): boolean {
  const s = service(name);
  if (s.healthcheck?.disable) return false;
  if (s.healthcheck?.test) return true;
  const built = dockerfileOf(s);
  return !!built && !!effective(built.dockerfile, built.target, 'HEALTHCHECK');
}

describe('docker-compose.yml', () => {
  it('runs the whole stack: Redis, PostgreSQL, Azurite, master, worker, Prometheus, Grafana', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['redis', 'postgres', 'azurite', 'master', 'worker', 'prometheus', 'grafana']),
    );
    // Merge keys are resolved: no `<<` is left for Compose to pass on as a variable.
    for (const [name, s] of Object.entries(services)) expect(Object.keys(environment(s)), name).not.toContain('<<');
  });

  it.each(APP_NAMES)('gives the %s only variables it reads, as strings, and every one it requires', (app) => {
    const s = service(app);
    expect(s.env_file, `${app}: variables in an env_file escape this check`).toBeUndefined();
    const env = environment(s);
    const known = Object.keys(APPS[app].shape);
    expect(
      Object.keys(env).filter((k) => !known.includes(k)),
      `${app}: variables it does not read`,
    ).toEqual([]);
    for (const [key, value] of Object.entries(env)) {
      // Quoted: no YAML number or boolean conversion, no host variable (a null takes the host's), no interpolation
      // but the host's secrets, which must be set.
      expect(typeof value, `${app}: ${key}`).toBe('string');
      const fromHost = FROM_HOST[app][key];
      if (fromHost) {
        expect(value, `${app}: ${key} from the host, required with a message`).toMatch(
          new RegExp(`^\\$\\{${fromHost.hostVar}:\\?[^{}$]+\\}$`),
        );
        env[key] = fromHost.sample;
      } else {
        expect(value, `${app}: ${key} would be interpolated`).not.toMatch(/\$(?!\$)/);
      }
    }
    for (const key of Object.keys(FROM_HOST[app])) expect(Object.keys(env), `${app}: ${key} from the host`).toContain(key);
    const required = known.filter((k) => !APPS[app].shape[k]!.safeParse(undefined).success);
    expect(
      required.filter((k) => !(k in env)),
      `${app}: required variables`,
    ).toEqual([]);
    // Blob Storage: a connection string or an account URL.
    expect(env['AZURE_STORAGE_CONNECTION_STRING'] ?? env['AZURE_STORAGE_ACCOUNT_URL'], app).toBeTruthy();
    const parsed = APPS[app].schema.safeParse(env);
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [], app).toEqual([]);
    expect(parsed.success).toBe(true);
  });

  it.each(APP_NAMES)('points the %s at the stack’s own Redis, PostgreSQL and Azurite', (app) => {
    const env = environment(service(app)) as Record<string, string>;
    const db = new URL(env['DATABASE_URL']!);
    const pg = environment(service('postgres'));
    expect(db.hostname).toBe('postgres');
    expect(db.port || '5432').toBe('5432');
    expect(decodeURIComponent(db.username)).toBe(pg['POSTGRES_USER']);
    expect(decodeURIComponent(db.password)).toBe(pg['POSTGRES_PASSWORD']);
    expect(db.pathname).toBe(`/${String(pg['POSTGRES_DB'])}`);
    const redis = new URL(env['REDIS_URL']!);
    expect(redis.hostname).toBe('redis');
    expect(redis.port || '6379').toBe('6379');
    const blob = /BlobEndpoint=([^;]+)/.exec(env['AZURE_STORAGE_CONNECTION_STRING']!)?.[1];
    expect(blob).toBeDefined();
    const azurite = commandTokens(service('azurite'));
    const blobPort = azurite[azurite.indexOf('--blobPort') + 1];
    expect(new URL(blob!).hostname).toBe('azurite');
    expect(new URL(blob!).port).toBe(blobPort);
    expect(azurite[azurite.indexOf('--blobHost') + 1]).toBe('0.0.0.0');
  });

  it('gives master and worker one configuration of the catalog, the queue and Blob Storage', () => {
    const shared = [
      'DATABASE_URL',
      'CATALOG_SCHEMA',
      'REDIS_URL',
      'QUEUE_PREFIX',
      'AZURE_STORAGE_CONNECTION_STRING',
      'AZURE_STORAGE_ACCOUNT_URL',
    ];
    for (const key of shared) expect(environment(service('worker'))[key], key).toBe(environment(service('master'))[key]);
  });

  it.each(APP_NAMES)('builds the %s from its target of deploy/docker/Dockerfile', (app) => {
    const s = service(app);
    expect(s.image, `${app}: built, not pulled`).toBeUndefined();
    const build = typeof s.build === 'string' ? { context: s.build } : s.build;
    expect(build?.context).toBe('.');
    expect(posix.normalize(build?.dockerfile ?? '')).toBe('deploy/docker/Dockerfile');
    expect(join(ROOT, build!.context!, build!.dockerfile!)).toBe(DOCKER.dockerfile);
    expect(build?.target).toBe(app);
    const { dockerfile, target } = dockerfileOf(s)!;
    expect(dockerfile.stages.map((st) => st.name)).toContain(target);
    expect(commandArgv(effective(dockerfile, target, 'CMD')!.args)).toEqual(['node', `apps/${app}/dist/main.js`]);
  });

  it('publishes the master on its PORT, the port its image EXPOSEs', () => {
    const master = service('master');
    const port = Number(setting('master', 'PORT'));
    const { dockerfile } = dockerfileOf(master)!;
    const exposed = chainInstructions(dockerfile, 'master')
      .filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.split('/')[0])));
    expect(exposed).toEqual([port]);
    expect(ports(master).map((p) => p.target)).toEqual([port]);
    expect(ports(master)[0]!.published).toBe(String(port));
  });

  it('lets the worker scale (`--scale worker=N`): no container name, no hostname, no published port, its own WORKER_ID each', () => {
    const worker = service('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.hostname).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    expect(environment(worker)['WORKER_ID'], 'one WORKER_ID for every replica').toBeUndefined();
    const { dockerfile } = dockerfileOf(worker)!;
    const exposed = chainInstructions(dockerfile, 'worker')
      .filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.split('/')[0])));
    expect(exposed).toEqual([Number(setting('worker', 'WORKER_HTTP_PORT'))]);
  });

  it('has Prometheus scrape the master and every worker replica where they serve /metrics', () => {
    const prometheus = service('prometheus');
    const config = readYaml<PrometheusConfig>(DEPLOY.prometheusCompose);
    const mounted = binds(prometheus).find((b) => b.target === '/etc/prometheus/prometheus.yml');
    expect(mounted && join(ROOT, repoPath(mounted.source))).toBe(DEPLOY.prometheusCompose);
    expect(
      commandTokens(prometheus).filter((t) => t.startsWith('--config.file')),
      'the image’s default config path',
    ).toEqual([]);

    const appPort = (name: string): number => {
      expect(APP_NAMES as string[], `scrape target ${name} is an app service`).toContain(name);
      return Number(setting(name as AppName, APPS[name as AppName].portVar));
    };
    const scraped = new Set<string>();
    for (const scrape of config.scrape_configs) {
      expect(scrape.metrics_path ?? '/metrics').toBe('/metrics');
      for (const target of scrape.static_configs?.flatMap((c) => c.targets) ?? []) {
        const [host, port] = target.split(':');
        expect(Object.keys(services)).toContain(host);
        expect(Number(port), target).toBe(appPort(host!));
        scraped.add(host!);
      }
      for (const sd of scrape.dns_sd_configs ?? []) {
        expect(sd.type ?? 'SRV').toBe('A');
        for (const name of sd.names) {
          expect(Object.keys(services)).toContain(name);
          expect(sd.port, name).toBe(appPort(name));
          scraped.add(name);
        }
      }
    }
    expect([...scraped].sort()).toEqual(['master', 'worker']);
    // The worker is found by DNS (every replica), the master, a single container, by name.
    const workerScrape = config.scrape_configs.find((s) => s.dns_sd_configs?.some((d) => d.names.includes('worker')));
    expect(workerScrape).toBeDefined();
  });

  it('runs Redis with AOF persistence and noeviction, as BullMQ needs', () => {
    const tokens = commandTokens(service('redis'));
    expect(tokens[0]).toBe('redis-server');
    expect(tokens[tokens.indexOf('--appendonly') + 1]).toBe('yes');
    expect(tokens[tokens.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    expect(tokens.indexOf('--appendonly')).toBeGreaterThan(0);
    expect(tokens.indexOf('--maxmemory-policy')).toBeGreaterThan(0);
    expect((service('redis').volumes ?? []).some((v) => (typeof v === 'string' ? v.split(':')[1] : v.target) === '/data')).toBe(true);
  });

  it('gives a stopping worker longer than SHUTDOWN_TIMEOUT_MS before Docker kills it', () => {
    const worker = service('worker');
    expect(worker.stop_grace_period, 'Compose’s default is 10 s').toBeDefined();
    expect(durationMs(worker.stop_grace_period!)).toBeGreaterThan(Number(setting('worker', 'SHUTDOWN_TIMEOUT_MS')));
  });

  it('has a healthcheck on every service, and dependencies wait for the ones they need', () => {
    for (const name of Object.keys(services)) expect(hasHealthcheck(name), name).toBe(true);
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on)
        ? Object.fromEntries(s.depends_on.map((d) => [d, { condition: 'service_started' }]))
        : (s.depends_on ?? {});
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        if (condition === 'service_healthy') expect(hasHealthcheck(dep), `${name} waits for ${dep} to be healthy`).toBe(true);
      }
    }
    // The apps start once what their configuration points at answers.
    for (const app of APP_NAMES) {
      const deps = service(app).depends_on as Record<string, { condition?: string }>;
      for (const dep of ['redis', 'postgres', 'azurite']) expect(deps[dep]?.condition, `${app} -> ${dep}`).toBe('service_healthy');
    }
  });

  it('runs the Azurite version the tests run (packages/azurite)', () => {
    const wanted = (
      JSON.parse(readFileSync(join(ROOT, 'packages/azurite/package.json'), 'utf8')) as { dependencies: Record<string, string> }
    ).dependencies['azurite'];
    expect(service('azurite').image).toMatch(new RegExp(`/azure-storage/azurite:${wanted!.replace(/^[\^~]/, '').replace(/\./g, '\\.')}$`));
  });

  it('mounts Grafana’s provisioning and dashboards where the provisioning files expect them', () => {
    const grafana = service('grafana');
    const mounts = binds(grafana);
    for (const m of mounts) expect(existsSync(join(ROOT, repoPath(m.source))), m.source).toBe(true);
    const provisioning = mounts.find((m) => m.target === '/etc/grafana/provisioning');
    expect(provisioning && repoPath(provisioning.source)).toBe('deploy/grafana/provisioning');
    expect(join(ROOT, repoPath(provisioning!.source), 'dashboards/partita.yml')).toBe(DEPLOY.dashboardProviders);
    expect(join(ROOT, repoPath(provisioning!.source), 'datasources/prometheus.yml')).toBe(DEPLOY.datasources);

    const providers = readYaml<{ providers: { options: { path: string } }[] }>(DEPLOY.dashboardProviders).providers;
    for (const provider of providers) {
      const dashboards = mounts.find((m) => m.target === provider.options.path);
      expect(dashboards, provider.options.path).toBeDefined();
      expect(join(ROOT, repoPath(dashboards!.source), 'partita.json')).toBe(DEPLOY.dashboard);
    }
    const home = environment(grafana)['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH'] as string;
    const homeMount = mounts.find((m) => home.startsWith(`${m.target}/`));
    expect(homeMount, home).toBeDefined();
    expect(existsSync(join(ROOT, repoPath(homeMount!.source), home.slice(homeMount!.target.length)))).toBe(true);

    // The data source is the stack's Prometheus.
    const datasources = readYaml<{ datasources: { url: string; type: string }[] }>(DEPLOY.datasources).datasources;
    const url = new URL(datasources.find((d) => d.type === 'prometheus')!.url);
    expect(url.hostname).toBe('prometheus');
    expect(url.port).toBe('9090');
    expect(ports(service('prometheus')).map((p) => p.target)).toContain(9090);
  });
});
