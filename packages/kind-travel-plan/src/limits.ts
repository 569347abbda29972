import { overLimit } from '@partita/sdk';
import type { TravelPlanSpec } from '@partita/contracts';

const n = (value: number): string => value.toLocaleString('en-US');
const GROUPS = (value: number) => ({ value, noun: 'groups', setting: 'MAX_GROUPS_PER_JOB' });

/**
 * A travel job's groups against the limit. `groups` is the number of groups listed, which stops at one more than the
 * limit (see listTravelGroups): above the limit, the message takes the number from the spec when it has one.
 */
export function checkTravelGroups(spec: TravelPlanSpec, groups: number, limit: number): void {
  const input = spec.input;
  if (groups <= limit) return;
  if ('generate' in input) throw overLimit('input.generate.groups', `${n(input.generate.groups)} groups`, GROUPS(limit));
  if ('inline' in input) throw overLimit('input.inline.groups', `${n(input.inline.groups.length)} groups`, GROUPS(limit));
  throw overLimit('input.postgres.travellers', `table ${input.postgres.travellers} holds more than ${n(limit)} groups`, GROUPS(limit));
}
