import { loadKinds } from '@partita/kinds';

/** The built-in kinds, as a master or worker without PARTITA_KINDS loads them. */
export const BUILTIN = await loadKinds();

/** The names of the built-in kinds. */
export const BUILTIN_KINDS: readonly string[] = BUILTIN.names;

/** The partition queue of a built-in kind (its current major). */
export function queueOf(kind: string): string {
  return BUILTIN.queueOf(BUILTIN.require(kind));
}

/** Every built-in kind's partition queue. */
export const BUILTIN_QUEUES: readonly string[] = BUILTIN_KINDS.map(queueOf);
