/**
 * A job may cap how many of its partitions run at once (`maxConcurrency`): the partitions beyond the cap are held,
 * off the queue, and each partition that ends releases the next held one.
 */
export const name = 'max-concurrency';
export const sql = /* sql */ `
alter table jobs add column max_concurrency int check (max_concurrency > 0);
alter table partitions add column held boolean not null default false;
create index partitions_held on partitions (job_id, idx) where held;
`;
