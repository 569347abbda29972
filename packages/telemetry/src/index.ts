export { createLogger, loggableUrl } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export { JOB_OUTCOMES, QUEUE_STATES, createMasterMetrics, createWorkerMetrics } from './metrics.js';
export type { MasterMetrics, QueueDepths, QueueState, WorkerMetrics } from './metrics.js';
export type { Registry } from 'prom-client';
