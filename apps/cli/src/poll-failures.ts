import { ApiRequestError, UnreachableError } from './client.js';

/**
 * How long polls of the master have failed in a row. A failure another poll may get past (the master unreachable, or
 * answering 5xx) is tolerated for `giveUpAfterMs`; any other error, or one past that budget, is thrown again.
 */
export class PollFailures {
  private since: number | undefined;

  constructor(private readonly giveUpAfterMs: number) {}

  /** A poll was answered: the next failure starts a new run of them. */
  answered(): void {
    this.since = undefined;
  }

  /** Rethrows `err` unless it is tolerated; returns why the poll got no answer, for the progress line. */
  tolerate(err: unknown, now: number = Date.now()): string {
    const transient = err instanceof UnreachableError || (err instanceof ApiRequestError && err.status >= 500);
    if (!transient) throw err;
    this.since ??= now;
    if (now - this.since > this.giveUpAfterMs) throw err;
    return err instanceof UnreachableError ? 'master unreachable; retrying' : `master answered ${err.status}; retrying`;
  }
}
