import { spawn, type ChildProcess } from 'node:child_process';
import { resolveAzuriteBlobBin } from './bin.js';

/**
 * A tiny CommonJS program, run as `node -e LAUNCHER_SOURCE <bin> ...args`, that loads the Azurite bin
 * (so `process.argv` is exactly what the bin expects) and ties the emulator's life to its parent's:
 * the parent spawns it with an IPC channel, and when that channel closes (the parent exited or crashed,
 * even by SIGKILL) the emulator exits too. The channel is unref'd so it never keeps the emulator alive.
 *
 * When `AZURITE_LAUNCHER_REMOVE_DIR` is set, that directory (the parent's temporary workspace) is removed
 * on such an orphan exit, since the parent can no longer do it.
 */
const LAUNCHER_SOURCE = `
'use strict';
const bin = process.argv[1];
const removeDir = process.env.AZURITE_LAUNCHER_REMOVE_DIR;
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => {
    if (removeDir) {
      try { require('node:fs').rmSync(removeDir, { recursive: true, force: true }); } catch {}
      process.exit(0);
    }
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
require(bin);
`;

/** How to launch the emulator process. */
export interface LaunchOptions {
  /** Working directory of the child. */
  cwd?: string;
  /** A directory the child removes if it outlives its parent (the parent's temporary workspace). */
  removeDirOnOrphan?: string;
}

/**
 * Spawns `azurite-blob` with `args` under the current Node executable, wrapped by the launcher above:
 * stdout and stderr are piped, and an IPC channel links it to this process.
 */
export function launchAzurite(args: readonly string[], options: LaunchOptions = {}): ChildProcess {
  return spawn(process.execPath, ['-e', LAUNCHER_SOURCE, resolveAzuriteBlobBin(), ...args], {
    cwd: options.cwd,
    env: { ...process.env, AZURITE_LAUNCHER_REMOVE_DIR: options.removeDirOnOrphan ?? '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}
