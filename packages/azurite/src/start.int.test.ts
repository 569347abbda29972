import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AZURITE_ACCOUNT, azuriteConnectionString, startAzurite } from './index.js';
import { launchAzurite } from './launcher.js';

/** Resolves true when something accepts a TCP connection on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startAzurite', () => {
  it('starts on a free port, answers blob requests, and closes the port and its temp dir on stop', async () => {
    const lines: string[] = [];
    const azurite = await startAzurite({ log: (line) => lines.push(line) });
    let stopped = false;
    try {
      expect(azurite.port).toBeGreaterThan(0);
      expect(azurite.blobEndpoint).toBe(`http://127.0.0.1:${azurite.port}/${AZURITE_ACCOUNT}`);
      expect(azurite.connectionString).toBe(azuriteConnectionString(azurite.blobEndpoint));
      expect(lines.some((line) => line.includes('successfully listens'))).toBe(true);
      // The temporary workspace is the child's working directory (visible through /proc on Linux).
      const workspace = process.platform === 'linux' ? readlinkSync(`/proc/${azurite.pid}/cwd`) : undefined;
      if (workspace) expect(existsSync(join(workspace, '__azurite_db_blob__.json'))).toBe(true);

      const response = await fetch(`${azurite.blobEndpoint}?comp=list`);
      await response.arrayBuffer();
      expect(response.headers.get('server')).toMatch(/Azurite-Blob/);
      expect(response.headers.get('x-ms-request-id')).toBeTruthy();

      const startedAt = Date.now();
      await azurite.stop();
      stopped = true;
      expect(Date.now() - startedAt).toBeLessThan(5_000); // exited on SIGTERM, no SIGKILL needed
      expect(processAlive(azurite.pid)).toBe(false);
      expect(await portOpen(azurite.port)).toBe(false);
      if (workspace) expect(existsSync(workspace)).toBe(false);
      await azurite.stop(); // idempotent
    } finally {
      if (!stopped) await azurite.stop();
    }
  });

  it('keeps a given location, and runs in memory without one', async () => {
    const location = mkdtempSync(join(tmpdir(), 'azurite-location-test-'));
    try {
      const onDisk = await startAzurite({ location });
      await onDisk.stop();
      expect(existsSync(join(location, '__azurite_db_blob__.json'))).toBe(true);

      const inMemory = await startAzurite({ inMemory: true });
      try {
        const response = await fetch(`${inMemory.blobEndpoint}?comp=list`);
        await response.arrayBuffer();
        expect(response.headers.get('server')).toMatch(/Azurite-Blob/);
      } finally {
        await inMemory.stop();
      }
      await expect(startAzurite({ inMemory: true, location })).rejects.toThrow(/inMemory/);
    } finally {
      rmSync(location, { recursive: true, force: true });
    }
  });

  it('fails fast with Azurite output when the port is taken', async () => {
    const first = await startAzurite();
    try {
      await expect(startAzurite({ port: first.port })).rejects.toThrow(/exited before listening[\s\S]*EADDRINUSE/);
    } finally {
      await first.stop();
    }
  });

  it('gives up after startTimeoutMs with the output so far', async () => {
    await expect(startAzurite({ startTimeoutMs: 1 })).rejects.toThrow(/did not listen within 1 ms; output so far/);
  });

  it('exits on its own, removing its workspace, when the channel to its parent closes (as on a parent crash)', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'azurite-orphan-test-'));
    const args = ['--blobHost', '127.0.0.1', '--blobPort', '0', '--location', workspace, '--disableTelemetry', '--silent'];
    const child = launchAzurite(args, { cwd: workspace, removeDirOnOrphan: workspace });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('successfully listens')) resolve();
        });
        child.once('exit', () => reject(new Error('Azurite exited early')));
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect(); // what the OS does to the channel when the parent dies
      await exited;
      expect(existsSync(workspace)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
