// Balance under skew: a population whose largest 1% of groups carry a large share of the work, split by each
// partitioner and by many small partitions; each job's makespan against the lower bound no schedule can beat.
import { OptimizerSpec, TravelPlanSpec } from '@partita/contracts';
import { createAzureBlobStore } from '@partita/storage';
import { runChild } from '../child.js';
import { fmt, median, type Figure, type Suite } from '../suite.js';
import { measureGroupTimes, type GroupTimes } from '../travel/group-times.js';
import type { JobTiming } from '../travel/job-timing.js';
import { makespanLowerBound, partitionWork, simulateMakespan, topShare } from '../travel/makespan.js';
import { assertPlannedAs, planGenerated, type PlannedPartition } from '../travel/plan.js';
import { runTravelJob, startTravelStack } from '../travel/travel-stack.js';
import { travelJobSpec, type Layout, type TravelWorkload } from '../travel/workload.js';

/**
 * Hill climbing's work grows like n² to n³ in the group size n, so the generator's heavy-tailed sizes (3–30,
 * P(size ≥ s) ≈ (3/s)^1.2) make a skewed population by themselves: a few large groups carry a large share. 100
 * restarts make a group's work large beside the per-group cost of handing it to the optimiser thread.
 */
const RESTARTS = 100;
const OPTIMIZER = OptimizerSpec.parse({ algorithm: 'hillclimb', restarts: RESTARTS });
/** The skew asked of the population: the largest 1% of the groups carry at least 10% of the work. */
const TOP_FRACTION = 0.01;
const TARGET_TOP_SHARE = 0.1;
const TARGET_RATIO = 1.05;
/** Many small partitions: what the partitions' runs cost over their groups' own work. */
const TARGET_SMALL_WORK_RATIO = 1.05;
/** Groups run untimed first in the measuring process, so that compiling the code is not counted as work. */
const WARM_UP_GROUPS = 50;
/** The many-small-partitions strategy has this many times the default partition count. */
const SMALL_FACTOR = 8;

const groupsOf = (p: PlannedPartition) => p.groups;

const workload = (quick: boolean): TravelWorkload => ({ groups: quick ? 500 : 2000, seed: 42, optimizer: OPTIMIZER });

interface Strategy {
  id: string;
  label: string;
  layout: Layout;
}

/** The spec's defaults, the same partition count for the other partitioners, and many small ones. */
function strategies(defaultPartitions: number): Strategy[] {
  return [
    { id: 'hash', label: 'hash', layout: { partitioner: 'hash', partitions: defaultPartitions } },
    { id: 'round-robin', label: 'round-robin', layout: { partitioner: 'round-robin', partitions: defaultPartitions } },
    { id: 'default', label: 'Partita’s default (spec defaults)', layout: {} },
    {
      id: 'small',
      label: 'many small partitions, pulled dynamically (round-robin)',
      layout: { partitioner: 'round-robin', partitions: SMALL_FACTOR * defaultPartitions },
    },
  ];
}

export const balance: Suite = {
  name: 'balance',
  title: 'Balance under skew: makespan / lower bound per partitioning',

  async run(ctx) {
    const work = workload(ctx.quick);
    const workers = ctx.workers;
    const store = createAzureBlobStore({ connectionString: ctx.azureConnectionString });

    ctx.log('balance: timing every group once');
    const times = await runChild<GroupTimes>('balance', JSON.stringify(work));
    const lowerBound = makespanLowerBound(times.ms, workers);
    const share = topShare(times.ms, TOP_FRACTION);
    const totalMs = times.ms.reduce((s, t) => s + t, 0);
    ctx.log(`balance: ${Math.round(totalMs)} ms of work, top 1% carry ${fmt(share * 100)}%, lower bound ${Math.round(lowerBound)} ms`);

    const plans = strategies(TravelPlanSpec.parse(travelJobSpec(work)).partitions).map((strategy) => {
      const spec = TravelPlanSpec.parse(travelJobSpec(work, strategy.layout));
      const planned = planGenerated(spec);
      const loads = partitionWork(planned.map(groupsOf), times.ms);
      const spread = Math.max(...loads) / (loads.reduce((sum, w) => sum + w, 0) / loads.length);
      return { ...strategy, spec, planned, spread, simulated: simulateMakespan(loads, workers) };
    });

    const runs = new Map<string, JobTiming[]>(plans.map((p) => [p.id, []]));
    const stack = await startTravelStack(ctx, workers, work);
    try {
      for (let r = 1; r <= ctx.repeat; r++) {
        for (const p of plans) {
          const run = await runTravelJob(
            stack,
            store,
            travelJobSpec(work, p.layout, { container: stack.container, prefix: `${p.id}-${r}` }),
          );
          assertPlannedAs(run.job, p.planned);
          if (run.digest !== times.digest) throw new Error(`${p.id}: job ${run.job.id} made other plans than the measured run`);
          runs.get(p.id)!.push(run.timing);
          ctx.log(`balance round ${r}: ${p.id} partitions ${Math.round(run.timing.spanMs)} ms, wall ${Math.round(run.timing.wallMs)} ms`);
        }
      }
    } finally {
      await stack.stop();
    }

    const table = [
      [
        'partitioning',
        'partitions',
        'largest / mean partition work',
        'simulated makespan (ms)',
        'simulated / bound',
        'measured makespan (ms)',
        'measured / bound',
        'wall (ms)',
        'wall / bound',
        'Σ partition runs / Σ group work',
      ],
    ];
    const figures: Figure[] = [
      {
        id: 'balance.top-share',
        label: `share of the work in the largest ${TOP_FRACTION * 100}% of groups (workload condition)`,
        value: share,
        unit: '',
        target: { op: '>=', value: TARGET_TOP_SHARE },
      },
      { id: 'balance.lower-bound-ms', label: `lower bound on ${workers} worker(s)`, value: lowerBound, unit: 'ms' },
    ];
    for (const p of plans) {
      const timings = runs.get(p.id)!;
      const span = median(timings.map((t) => t.spanMs));
      const wall = median(timings.map((t) => t.wallMs));
      table.push([
        p.label,
        String(p.planned.length),
        fmt(p.spread),
        fmt(p.simulated),
        fmt(p.simulated / lowerBound),
        fmt(span),
        fmt(span / lowerBound),
        fmt(wall),
        fmt(wall / lowerBound),
        fmt(median(timings.map((t) => t.runTotalMs)) / totalMs),
      ]);
      figures.push(
        p.id === 'default'
          ? {
              id: 'balance.ratio.default',
              label: `makespan / lower bound, Partita’s default (${p.spec.partitioner}, ${p.planned.length} partitions)`,
              value: span / lowerBound,
              unit: '',
              target: { op: '<=', value: TARGET_RATIO },
            }
          : { id: `balance.ratio.${p.id}`, label: `makespan / lower bound, ${p.label}`, value: span / lowerBound, unit: '' },
        p.id === 'small'
          ? {
              id: 'balance.work-ratio.small',
              label: `${p.planned.length} small partitions: Σ partition runs / Σ group work`,
              value: median(timings.map((t) => t.runTotalMs)) / totalMs,
              unit: '',
              target: { op: '<=', value: TARGET_SMALL_WORK_RATIO },
            }
          : {
              id: `balance.work-ratio.${p.id}`,
              label: `Σ partition runs / Σ group work, ${p.label}`,
              value: median(timings.map((t) => t.runTotalMs)) / totalMs,
              unit: '',
            },
        {
          id: `balance.simulated.${p.id}`,
          label: `simulated makespan / lower bound, ${p.label}`,
          value: p.simulated / lowerBound,
          unit: '',
        },
      );
    }
    const largest = Math.max(...times.ms);
    return {
      table,
      figures,
      notes: [
        `Workload: ${work.groups.toLocaleString('en')} generated groups (seed ${work.seed}, ${times.rows.toLocaleString('en')} travellers), ` +
          `hill climbing with ${RESTARTS} restarts, on ${workers} one-core worker(s). The skew comes from the generator's own ` +
          'heavy-tailed group sizes and hill climbing’s n² to n³ work per group: no hand-made groups, and the cost model the ' +
          `partitioner uses is the product's own. Measured: the largest ${TOP_FRACTION * 100}% of the groups carry ` +
          `${fmt(share * 100)}% of the work (asked: ≥ ${TARGET_TOP_SHARE * 100}%); the largest group takes ${fmt(largest)} ms of ${fmt(totalMs)} ms.`,
        `Group work: each group's optimisation and rows timed once in a child process (after ${WARM_UP_GROUPS} untimed groups), ` +
          `the same computation a worker's optimiser thread does (same seeds: every job below made the same plans). ` +
          `Lower bound = max(largest group, total / ${workers} workers).`,
        'Partition work: the sum of its groups’ measured times ("largest / mean" is how evenly the partitioner split the ' +
          'measured work, whatever the worker count). Simulated makespan: partitions taken in queue order ' +
          'by the first free worker. It shows the partitioning alone, free of the machine’s noise and of Partita’s ' +
          'per-partition and per-group costs.',
        'Measured makespan: from the job’s first partition start to its last partition end (the master’s timings); wall ' +
          'adds planning, queueing and the manifest. Medians over the rounds; each round runs every partitioning once on ' +
          'the same stack (warmed up first).',
        'Lower bound and simulation come from one process doing nothing else; the jobs run the workers side by side with the ' +
          'master, PostgreSQL, Redis and Azurite on the same machine, so the measured ratio also holds the machine’s contention. ' +
          '"Σ partition runs / Σ group work" is how much longer the workers ran the partitions than the groups’ own work: ' +
          'what each group’s hand-off to the optimiser thread, each partition’s file, catalog and queue, and the contention add.',
        ...(ctx.quick ? [`Quick run: ${work.groups} groups, one round; not the figures the target is meant for.`] : []),
      ],
      raw: {
        workload: work,
        workers,
        groupMs: times.ms,
        lowerBound,
        strategies: plans.map((p) => ({
          id: p.id,
          partitioner: p.spec.partitioner,
          partitions: p.planned.length,
          spread: p.spread,
          simulated: p.simulated,
          runs: runs.get(p.id),
        })),
      },
    };
  },

  child(arg) {
    return Promise.resolve(measureGroupTimes(JSON.parse(arg) as TravelWorkload, WARM_UP_GROUPS));
  },
};
