import { Redis } from '@upstash/redis/cloudflare';
import { congestionAwareTimeout } from '../timing';
import { upstashAnsweredSince } from './liveness';

/** The Worker vars that locate Upstash (secrets: `.dev.vars` locally, `wrangler secret put` in production). */
export interface UpstashVars {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
}

/** Clients by URL, token and timeout: one of each per isolate. */
const clients = new Map<string, Redis>();

/**
 * The isolate's Upstash client for a timeout, made on first use. A client is plain data (URL,
 * headers, options) that calls fetch anew for each command, in the request making the call, so
 * requests share it safely; one per request cost ~200 closures (the client defines each command
 * as an arrow-function property), a tenth of all a request allocated.
 *
 * Retries are off but for one: with `retry: false` the client still fetches a second time, at
 * once, when the first fetch throws (a connection lost or refused; never after a timeout). That
 * rides out a kept-alive connection the other side just closed: with a single fetch, a k6 load
 * run logged "Network connection lost" read and write failures. The client's default (5 retries
 * with backoff) could stall a request for seconds, and a cache must fail fast so the request can
 * fall back to the database: every call carries its own timeout. Values come back as stored (no automatic JSON parsing); round trips are
 * explicit (no auto-pipelining). Replies come as plain JSON strings, not base64: everything the
 * cache stores is UTF-8 text, and decoding base64 byte by byte cost more CPU than the rest of a
 * hit. The timeout does not fire while this isolate is too busy to have read the answer, nor
 * while Upstash keeps answering other calls (src/timing/congestion-aware-timeout.ts).
 */
export function redisClient(env: UpstashVars, timeoutMs: number): Redis {
  const key = `${env.UPSTASH_REDIS_REST_URL}\n${env.UPSTASH_REDIS_REST_TOKEN}\n${timeoutMs}`;
  let client = clients.get(key);
  if (!client) clients.set(key, (client = newClient(env, timeoutMs)));
  return client;
}

function newClient(env: UpstashVars, timeoutMs: number): Redis {
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    retry: false,
    enableTelemetry: false,
    enableAutoPipelining: false,
    automaticDeserialization: false,
    responseEncoding: false,
    signal: () => congestionAwareTimeout(timeoutMs, upstashAnsweredSince),
  });
}
