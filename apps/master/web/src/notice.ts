import { $, setText } from './dom.js';

/** Refresh pace of whatever is still running on screen. */
export const POLL_MS = 2000;

/** The last error of each loader (the list, the job, a view): each loader clears only its own. */
const errors = new Map<string, string>();

export function showError(source: string, err: unknown): void {
  if (err === null || err === undefined) errors.delete(source);
  else errors.set(source, err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err));
  const el = $('error');
  el.textContent = [...errors.values()].join('\n');
  el.hidden = errors.size === 0;
}

export function clearErrors(): void {
  errors.clear();
  showError('', null);
}

/** The live indicator: on while anything shown still runs (and is refreshed). */
export function showLive(live: boolean): void {
  const el = $('live');
  el.dataset['state'] = live ? 'live' : 'idle';
  el.title = live ? `Refreshing every ${POLL_MS / 1000} s while something runs` : 'Everything shown has ended';
  setText('live-text', live ? 'live' : 'up to date');
}
