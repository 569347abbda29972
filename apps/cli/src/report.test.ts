import { describe, expect, it } from 'vitest';
import type { ExtractView } from '@partita/contracts';
import { jobView, partitionView } from './job.fixture.js';
import { completenessLine, jobHeader, jobTimingsTable, outcomeLines, partitionsTable, timingsReport } from './report.js';

const finished = jobView({
  status: 'succeeded',
  finishedAt: '2024-05-01T10:00:03.436Z',
  progress: { done: 2, total: 2, succeeded: 2, failed: 0, running: 0, itemsDone: 20, itemsTotal: 20, itemNoun: 'groups' },
  timings: { ...jobView().timings, wallMs: 3336, sumPartitionMs: 6354, speedup: 1.9047, workers: 2, efficiency: 0.952 },
  output: { container: 'results', prefix: 'demo', manifest: 'demo/5e4a18a3-1111-4222-8333-444455556666/_manifest.json' },
  partitions: [
    partitionView({ index: 0, workerId: 'w1', queueWaitMs: 12.4, runMs: 3100, rows: 30 }),
    partitionView({ index: 1, workerId: 'w2', queueWaitMs: null, runMs: 3254, rows: null, attempts: 2 }),
  ],
});

const extract: ExtractView = {
  database: 'test',
  method: 'quantiles',
  key: 'id',
  estimatedRows: 1000,
  chunkRows: [500, 500],
  chunkRowsExact: true,
  columns: [],
  snapshot: { id: 'snap', mode: 'exported', ownSnapshotChunks: [], note: null },
  completeness: { sourceRows: 1000, rowsWritten: 1000, complete: true },
};

describe('timings report', () => {
  it('lists each partition', () => {
    expect(partitionsTable(finished)).toBe(
      [
        'partition  items  worker  attempts  queue wait      run  rows     status',
        '---------  -----  ------  --------  ----------  -------  ----  ---------',
        '        0     10      w1         1       12 ms  3100 ms    30  succeeded',
        '        1     10      w2         2           -  3254 ms     -  succeeded',
      ].join('\n'),
    );
  });

  it('sums the job up: wall, sequential sum, speed-up, workers, efficiency', () => {
    expect(jobTimingsTable(finished)).toBe(
      [
        '     job     status     wall  sum of partitions (sequential)  speed-up  workers  efficiency',
        '--------  ---------  -------  ------------------------------  --------  -------  ----------',
        '5e4a18a3  succeeded  3336 ms                         6354 ms     1.90x        2        0.95',
      ].join('\n'),
    );
  });

  it('puts the partitions first and the job last; extracts add the completeness line', () => {
    expect(timingsReport(finished)).toBe(`${partitionsTable(finished)}\n\n${jobTimingsTable(finished)}`);
    expect(completenessLine(finished)).toBeNull();
    const ex = { ...finished, kind: 'sql-extract', extract };
    expect(completenessLine(ex)).toBe('completeness: sourceRows 1,000, rowsWritten 1,000 (complete)');
    expect(timingsReport(ex)).toBe(`${partitionsTable(ex)}\n\n${completenessLine(ex)}\n\n${jobTimingsTable(ex)}`);
    const pending = { ...ex, extract: { ...extract, completeness: { sourceRows: 1000, rowsWritten: null, complete: null } } };
    expect(completenessLine(pending)).toBe('completeness: sourceRows 1,000, rowsWritten - (not yet known)');
  });

  it('names the manifest or the error', () => {
    expect(outcomeLines(finished)).toEqual(['manifest: results/demo/5e4a18a3-1111-4222-8333-444455556666/_manifest.json']);
    expect(
      outcomeLines(jobView({ status: 'failed', error: { message: 'partition 3 failed: boom', code: 'PARTITA_ERR_PERMANENT' } })),
    ).toEqual(['error: partition 3 failed: boom (PARTITA_ERR_PERMANENT)']);
    expect(outcomeLines(jobView())).toEqual([]);
  });

  it('heads show with the job, its kind, status, output and error', () => {
    const header = jobHeader({ ...finished, dataset: { name: 'travel-plans', description: '', tags: {} } });
    expect(header).toMatch(/^job:\s+5e4a18a3-1111-4222-8333-444455556666$/m);
    expect(header).toMatch(/^kind:\s+travel-plan$/m);
    expect(header).toMatch(/^status:\s+succeeded$/m);
    expect(header).toMatch(/^manifest:\s+results\/demo\/5e4a18a3-1111-4222-8333-444455556666\/_manifest\.json$/m);
    expect(header).toMatch(/^dataset:\s+travel-plans$/m);
    expect(header).not.toMatch(/^error:/m);
    expect(jobHeader(jobView({ error: { message: 'boom' } }))).toMatch(/^error:\s+boom$/m);
  });
});
