// Measurements that need a process of their own (a peak RSS that is theirs alone, a clean heap): main.ts runs
// `--child <suite>:<arg>`, which calls the suite's `child(arg)` and prints its result as the last stdout line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

export function runChild<T>(suite: string, arg: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...nodeArgs, MAIN, '--child', `${suite}:${arg}`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${suite}:${arg} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch (err) {
        reject(new Error(`${suite}:${arg} printed no result: ${(err as Error).message}`));
      }
    });
  });
}

/** The peak resident set of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
