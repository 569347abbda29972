/** The sessions table's statements (see SessionStore); sessions are found by the SHA-256 of their id. */

export const CREATE = /* sql */ `
  insert into sessions (id_sha256, token_name, scope, expires_at) values ($1, $2, $3, clock_timestamp() + $4 * interval '1 millisecond')`;

export const FIND = /* sql */ `select token_name, scope from sessions where id_sha256 = $1 and expires_at > clock_timestamp()`;

export const DELETE = /* sql */ `delete from sessions where id_sha256 = $1`;

export const DELETE_EXPIRED = /* sql */ `delete from sessions where expires_at <= clock_timestamp()`;
