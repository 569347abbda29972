// CPU time by process group (PostgreSQL, Redis, Azurite, master, workers), read from /proc: where a run's work went.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_S = 100;

export type CpuSnapshot = Map<number, { ms: number; group: string }>;

/** The group of a process by its command line, or null when it is none of ours. */
export function groupOf(cmdline: string): string | null {
  if (/\bpostgres\b/.test(cmdline)) return 'postgresql';
  if (/redis-server/.test(cmdline)) return 'redis';
  if (/\bazurite\b/.test(cmdline)) return 'azurite';
  if (/master\/dist\/main\.js/.test(cmdline)) return 'master';
  if (/worker\/dist\/main\.js/.test(cmdline)) return 'workers';
  return null;
}

/** CPU ms so far of one process (every thread), or null when it cannot be read (ended, or on another host). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after its closing parenthesis; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/** CPU time so far of every process of a known group; empty where there is no /proc. */
export function cpuSnapshot(): CpuSnapshot {
  const snap: CpuSnapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return snap;
  }
  for (const pid of pids) {
    let group: string | null;
    try {
      group = groupOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      continue; // the process ended meanwhile
    }
    const ms = group ? processCpuMs(Number(pid)) : null;
    if (group && ms !== null) snap.set(Number(pid), { ms, group });
  }
  return snap;
}

/** CPU ms spent per group between two snapshots (processes started in between count from zero). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, { ms, group }] of after) {
    const spent = ms - (before.get(pid)?.ms ?? 0);
    if (spent > 0) out[group] = (out[group] ?? 0) + spent;
  }
  return out;
}
