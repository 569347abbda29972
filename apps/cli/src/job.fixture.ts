import type { JobView, PartitionView } from '@partita/contracts';

/** A partition view for tests; every field can be overridden. */
export function partitionView(overrides: Partial<PartitionView> = {}): PartitionView {
  return {
    index: 0,
    status: 'succeeded',
    items: 10,
    itemsDone: 10,
    estimatedCost: 1,
    attempts: 1,
    workerId: 'w1',
    enqueuedAt: '2024-05-01T10:00:00.000Z',
    startedAt: '2024-05-01T10:00:00.100Z',
    finishedAt: '2024-05-01T10:00:01.100Z',
    queueWaitMs: 100,
    runMs: 1000,
    rows: 25,
    bytes: 2048,
    files: [],
    ownSnapshot: false,
    error: null,
    ...overrides,
  };
}

/** A job view for tests: a running travel-plan job of 8 partitions and 300 groups unless overridden. */
export function jobView(overrides: Partial<JobView> = {}): JobView {
  return {
    id: '5e4a18a3-1111-4222-8333-444455556666',
    kind: 'travel-plan',
    kindVersion: '1.0.0',
    status: 'running',
    createdAt: '2024-05-01T10:00:00.000Z',
    startedAt: '2024-05-01T10:00:00.100Z',
    finishedAt: null,
    progress: { done: 3, total: 8, succeeded: 3, failed: 0, running: 2, itemsDone: 120, itemsTotal: 300, itemNoun: 'groups' },
    timings: {
      wallMs: 2500,
      sumPartitionMs: 4000,
      speedup: 1.6,
      workers: 2,
      efficiency: 0.8,
      planMs: 20,
      queueWaitMedianMs: 10,
      runMedianMs: 1000,
      runMaxMs: 1200,
    },
    error: null,
    spec: {},
    output: { container: 'results', prefix: 'travel', manifest: null },
    dataset: null,
    extract: null,
    warnings: [],
    maxConcurrency: null,
    partitions: [],
    ...overrides,
  };
}
