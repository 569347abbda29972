import type { Suite } from '../suite.js';
import { balance } from './balance.js';
import { costs } from './costs.js';
import { dispatch } from './dispatch.js';
import { extract } from './extract.js';
import { latency } from './latency.js';
import { optimiser } from './optimiser.js';
import { programs } from './programs.js';
import { scaling } from './scaling.js';

/** Every suite, in the order `npm run bench` runs them. */
export const SUITES: readonly Suite[] = [scaling, balance, dispatch, latency, costs, extract, optimiser, programs];
