/**
 * Browser sessions: the session cookie holds a random id, never a token; the catalog keeps the id's SHA-256, the name
 * and scope of the token that signed in, and when the session expires.
 */
export const name = 'sessions';
export const sql = /* sql */ `
create table sessions (
  id_sha256 bytea primary key,
  token_name text not null,
  scope text not null check (scope in ('read', 'write', 'admin')),
  created_at timestamptz not null default clock_timestamp(),
  expires_at timestamptz not null
);
create index sessions_expires_at on sessions (expires_at);
`;
