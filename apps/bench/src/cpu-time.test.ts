import { describe, expect, it } from 'vitest';
import { cpuBetween, groupOf } from './cpu-time.js';

describe('cpu time by group', () => {
  it('tells our processes apart by their command lines', () => {
    expect(groupOf('postgres: postgres postgres 127.0.0.1(5432) idle')).toBe('postgresql');
    expect(groupOf('/usr/bin/redis-server 127.0.0.1:6379')).toBe('redis');
    expect(groupOf('/usr/bin/node /repo/apps/master/dist/main.js ')).toBe('master');
    expect(groupOf('/usr/bin/node /repo/apps/worker/dist/main.js ')).toBe('workers');
    expect(groupOf('/usr/bin/node /repo/node_modules/azurite/dist/src/blob/main.js --blobPort 0')).toBe('azurite');
    expect(groupOf('/usr/bin/node apps/bench/dist/main.js')).toBeNull();
  });

  it('sums the time spent per group, counting new processes from zero and ignoring ended ones', () => {
    const before = new Map([
      [1, { ms: 100, group: 'postgresql' }],
      [2, { ms: 50, group: 'workers' }],
      [3, { ms: 70, group: 'workers' }],
    ]);
    const after = new Map([
      [1, { ms: 160, group: 'postgresql' }],
      [2, { ms: 80, group: 'workers' }],
      [4, { ms: 20, group: 'postgresql' }],
    ]);
    expect(cpuBetween(before, after)).toEqual({ postgresql: 80, workers: 30 });
  });
});
