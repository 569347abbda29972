import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ServiceEnv, parseEnv, requireBlobStorage } from './index.js';

const Env = z.object(ServiceEnv).superRefine(requireBlobStorage);

describe('service configuration', () => {
  it('needs a Blob Storage connection string or an account URL, and says so naming the variable', () => {
    expect(() => parseEnv(Env, {}, 'worker')).toThrow(
      /invalid worker configuration:\n {2}AZURE_STORAGE_CONNECTION_STRING: required: .*AZURE_STORAGE_ACCOUNT_URL/,
    );
    expect(
      parseEnv(Env, { AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }, 'worker').AZURE_STORAGE_ACCOUNT_URL,
    ).toBeUndefined();
    const byIdentity = parseEnv(Env, { AZURE_STORAGE_ACCOUNT_URL: 'https://acct.blob.core.windows.net' }, 'worker');
    expect(byIdentity.AZURE_STORAGE_CONNECTION_STRING).toBeUndefined();
    expect(() => parseEnv(Env, { AZURE_STORAGE_ACCOUNT_URL: 'acct.blob.core.windows.net' }, 'worker')).toThrow(/AZURE_STORAGE_ACCOUNT_URL/);
  });

  it('takes an empty variable as unset: the default applies, and a required one is still missing', () => {
    const env = parseEnv(
      Env,
      { AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', SOURCE_DATABASE_URL: '', QUEUE_PREFIX: '' },
      'worker',
    );
    expect(env.SOURCE_DATABASE_URL).toBeUndefined();
    expect(env.QUEUE_PREFIX).toBe('partita');
    expect(() => parseEnv(Env, { AZURE_STORAGE_CONNECTION_STRING: '' }, 'worker')).toThrow(/AZURE_STORAGE_CONNECTION_STRING: required/);
  });

  it('lists every bad variable at once', () => {
    expect(() => parseEnv(Env, { QUEUE_PREFIX: 'a:b', CATALOG_SCHEMA: 'Bad-Name', LOG_LEVEL: 'loud' }, 'master')).toThrow(
      /QUEUE_PREFIX[\s\S]*CATALOG_SCHEMA|CATALOG_SCHEMA[\s\S]*QUEUE_PREFIX/,
    );
  });
});
