import { Redis } from '@upstash/redis/cloudflare';

/** How long one Upstash call may take before it is abandoned. */
export const DEFAULT_REDIS_TIMEOUT_MS = 50;

/**
 * An Upstash client for one request. Retries are off and every call carries its own
 * timeout: the client's default (5 retries with backoff) can stall a request for seconds,
 * and a cache must fail fast so the request can fall back to the database.
 */
export function createRedis(
  env: Pick<Env, 'UPSTASH_REDIS_REST_URL' | 'UPSTASH_REDIS_REST_TOKEN'>,
  timeoutMs = DEFAULT_REDIS_TIMEOUT_MS,
): Redis {
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    retry: false,
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}
