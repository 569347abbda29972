import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` (TLS) URL. */
  url: string;
  /**
   * `worker`: blocking commands wait out a Redis restart (BullMQ requires `maxRetriesPerRequest: null`).
   * `producer`: a request fails fast so an API call can answer 503 instead of hanging.
   */
  role: 'worker' | 'producer';
}

export function createRedis(options: RedisConnectionOptions): Redis {
  const common: RedisOptions = {
    lazyConnect: false,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 5000),
  };
  return new Redis(options.url, {
    ...common,
    maxRetriesPerRequest: options.role === 'worker' ? null : 3,
  });
}
