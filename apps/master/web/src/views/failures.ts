import type { JobView } from '@partita/contracts';
import { h } from '../dom.js';

/** How a program's failure carries the end of its stderr in the partition's error (kind-program's run-program.ts). */
const STDERR = '; stderr ends with: ';

/** A partition's error message, split into what happened and the end of the program's stderr, when it has one. */
export function splitStderr(message: string): { said: string; stderr: string | null } {
  const at = message.indexOf(STDERR);
  return at < 0 ? { said: message, stderr: null } : { said: message.slice(0, at), stderr: message.slice(at + STDERR.length) };
}

/** The failed partitions with their errors; a program's with the end of its stderr. Null when none failed. */
export function failuresSection(job: JobView): HTMLElement | null {
  const failed = job.partitions.filter((p) => p.error !== null && p.status === 'failed');
  if (failed.length === 0) return null;
  return h(
    'section',
    { id: 'failures', class: 'subsection' },
    h('h2', {}, `Failed partitions `, h('span', { class: 'muted small' }, `${failed.length} of ${job.partitions.length}`)),
    failed.map((p) => {
      const { said, stderr } = splitStderr(p.error?.message ?? '');
      return h(
        'article',
        { class: 'failure', 'data-partition': p.index },
        h(
          'p',
          {},
          h('span', { class: 'mono strong' }, `#${p.index}`),
          ` · ${p.attempts} attempt${p.attempts === 1 ? '' : 's'} · ${p.workerId ?? 'no worker'}`,
          p.error?.code ? ` · ${p.error.code}` : '',
        ),
        h('p', { class: 'failure-said' }, said),
        stderr === null ? null : h('pre', { class: 'stderr' }, stderr),
      );
    }),
  );
}
