export { createRedis } from './connection.js';
export type { RedisConnectionOptions } from './connection.js';
export { enqueuePartitions, openPartitionQueue, partitionJobOptions, removeWaitingPartitions } from './partition-queue.js';
export type { QueueSettings } from './partition-queue.js';
export { queueDepth } from './depth.js';
export type { QueueDepth } from './depth.js';
