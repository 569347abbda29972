/** The workers table's statements (see WorkerStore). */

/** Workers that vanished without a word (killed) are forgotten after a day. */
export const FORGET_OLD = /* sql */ `delete from workers where seen_at < now() - interval '1 day'`;

export const SEEN = /* sql */ `
  insert into workers (id, kinds) values ($1, $2)
  on conflict (id) do update set kinds = excluded.kinds, seen_at = now()`;

export const GONE = /* sql */ `delete from workers where id = $1`;

export const LIVE = /* sql */ `select id, kinds, seen_at from workers where seen_at >= now() - $1 * interval '1 millisecond' order by id`;
