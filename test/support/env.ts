import { LOCAL_READER_ROLE, connectAs } from '@partita/extract';

/** Where the tests find the local services (`npm run services` starts them). */
export const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** The role sources are read as (tests grant it each source schema they make: see source-schema.ts). */
export const READER_ROLE = LOCAL_READER_ROLE;
/** The source database, logged in as the reader role, as a deployment does. */
export const SOURCE_DATABASE_URL = connectAs(DATABASE_URL, READER_ROLE);
