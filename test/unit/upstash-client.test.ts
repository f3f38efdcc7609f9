import { afterEach, describe, expect, it } from 'vitest';
import { redisClient } from '../../src/cache/redis';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

describe('the Upstash client', () => {
  it('tries a call once: a refused connection fails at once, so the request falls back to the database', async () => {
    let attempts = 0;
    globalThis.fetch = (async () => {
      attempts++;
      throw new TypeError('fetch failed: connection refused');
    }) as typeof fetch;
    const client = redisClient({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'unit-test' }, 500);
    await expect(client.get('anything')).rejects.toThrow(/connection refused/);
    expect(attempts).toBe(1);
  });
});
