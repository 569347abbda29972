import type { JobKind } from '@partita/contracts';
import type { PartitionHandler } from './handler.js';
import { noopHandler } from './noop/handler.js';
import { sqlExtractHandler } from './sql-extract/handler.js';
import { travelPlanHandler } from './travel-plan/handler.js';

/** One handler per kind: the mapped type makes a missing kind a compile error. */
export const HANDLERS: { [K in JobKind]: PartitionHandler<K> } = {
  'travel-plan': travelPlanHandler,
  'sql-extract': sqlExtractHandler,
  noop: noopHandler,
};
