import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AZURITE_ACCOUNT, azuriteConnectionString } from './constants.js';
import { launchAzurite } from './launcher.js';

/** How to start the emulator. */
export interface AzuriteOptions {
  /** Address the blob service listens on. Default `127.0.0.1`. */
  host?: string;
  /** Port of the blob service. Default `0`: a free port chosen by the system (read back from Azurite's output). */
  port?: number;
  /**
   * Workspace directory (blob data and metadata), kept on stop.
   * Default: a fresh temporary directory, removed on stop. Not allowed with `inMemory`.
   */
  location?: string;
  /** Keep all data in memory, nothing on disk. Default `false`. */
  inMemory?: boolean;
  /** Receives every line Azurite prints (stdout and stderr). Default: lines are dropped. */
  log?: (line: string) => void;
  /** How long to wait for Azurite to listen before giving up. Default `20000` ms. */
  startTimeoutMs?: number;
}

/** A running emulator. */
export interface AzuriteHandle {
  /** Blob service URL including the account, e.g. `http://127.0.0.1:39467/devstoreaccount1`. */
  blobEndpoint: string;
  port: number;
  /** Connection string for `@azure/storage-blob` (account `devstoreaccount1`, its well-known key). */
  connectionString: string;
  pid: number;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temporary workspace if one was created. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const MAX_KEPT_OUTPUT = 64 * 1024;
const LISTENING = /successfully listens on (https?):\/\/(\S+):(\d+)/;

/** Children still running, killed synchronously if this process exits without stopping them. */
const running = new Set<{ child: ChildProcess; tempDir: string | undefined }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const entry of running) {
      entry.child.kill('SIGKILL');
      if (entry.tempDir) rmSync(entry.tempDir, { recursive: true, force: true });
    }
  });
}

/**
 * Starts Azurite's blob service (the `azurite-blob` bin of the installed `azurite` package) in a child process
 * and resolves once it listens.
 *
 * The child does not outlive its parent: it is killed when `stop()` is called, when this process exits
 * normally (an `exit` hook), and, when this process dies abruptly (crash, SIGKILL), it notices that its IPC
 * channel to the parent closed and exits on its own (removing the temporary workspace it was given).
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const inMemory = options.inMemory ?? false;
  const log = options.log;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Azurite port must be an integer in 0..65535, got ${port}`);
  if (inMemory && options.location !== undefined) {
    throw new Error('Azurite cannot combine inMemory with a location (it rejects --inMemoryPersistence with --location)');
  }

  // In memory, Azurite gets no --location; its working directory is still a temporary one so nothing lands in ours.
  const tempDir = options.location === undefined ? mkdtempSync(join(tmpdir(), 'azurite-')) : undefined;
  const location = options.location ?? tempDir;
  const args = [
    '--blobHost',
    host,
    '--blobPort',
    String(port),
    ...(inMemory || location === undefined ? ['--inMemoryPersistence'] : ['--location', location]),
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--loose',
    '--silent',
  ];

  let child: ChildProcess;
  try {
    child = launchAzurite(args, { cwd: tempDir, removeDirOnOrphan: tempDir });
  } catch (error) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
  const entry = { child, tempDir };
  running.add(entry);
  installExitHook();

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(killTimer);
      }
      running.delete(entry);
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  let output = '';
  let timer: NodeJS.Timeout | undefined;
  const listening = new Promise<{ protocol: string; port: number }>((resolve, reject) => {
    const onLine = (line: string): void => {
      if (output.length < MAX_KEPT_OUTPUT) output += `${line}\n`;
      log?.(line);
      const match = LISTENING.exec(line);
      if (match) resolve({ protocol: match[1] as string, port: Number(match[3]) });
    };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    child.on('error', reject);
    // 'close' (not 'exit') so the output read so far includes the last lines.
    child.once('close', (code, signal) => {
      reject(new Error(`Azurite exited before listening (${signal ?? `exit code ${code}`}); output:\n${output}`));
    });
    timer = setTimeout(
      () => reject(new Error(`Azurite did not listen within ${startTimeoutMs} ms; output so far:\n${output}`)),
      startTimeoutMs,
    );
  });

  let address: { protocol: string; port: number };
  try {
    address = await listening;
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const blobEndpoint = `${address.protocol}://${connectHost(host)}:${address.port}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    port: address.port,
    connectionString: azuriteConnectionString(blobEndpoint),
    pid: child.pid as number,
    stop,
  };
}

/** The address a client on this machine connects to for a given listening address. */
function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
