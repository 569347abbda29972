-- The role Partita reads sources as (SOURCE_DATABASE_URL): it may read the tables of the schemas granted below, and
-- nothing else. No superuser, no writes, no server files, no signals: a user's SQL in an extract runs with these rights.
-- Run once as the database owner (compose mounts it into the PostgreSQL container's first start); grant more schemas
-- the same way. The master and the workers refuse to start when the role can do more than read.
create role partita_reader login password 'partita_reader' nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
grant usage on schema public to partita_reader;
grant select on all tables in schema public to partita_reader;
alter default privileges in schema public grant select on tables to partita_reader;
