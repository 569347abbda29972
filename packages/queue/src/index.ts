export { createRedis } from './connection.js';
export type { RedisConnectionOptions } from './connection.js';
export { enqueuePartitions, openPartitionQueue, partitionJobOptions, removePartitionMessages } from './partition-queue.js';
export type { QueueSettings } from './partition-queue.js';
export { queueDepth } from './depth.js';
export type { QueueDepth } from './depth.js';
export { messageStates } from './message-states.js';
export type { MessageState } from './message-states.js';
export { deleteQueuePrefix } from './delete-prefix.js';
