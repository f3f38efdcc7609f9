import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { createCacheEventLog } from './cache-event-log';
import { DEFAULT_CACHE_SETTINGS, type EdgeCacheSettings } from './cache-options';
import { toMilliseconds } from './duration';
import { EdgeCache } from './edge-cache';
import { redisClient } from './redis';

type CacheVars = Partial<Pick<Env, 'CACHE_NAMESPACE' | 'CACHE_TIMEOUT_MS' | 'CACHE_MEMORY_STALENESS'>>;

/**
 * Settings from the Worker's vars. A bad value is reported once and its default used: one
 * typo in a var must not turn every request into a 500.
 */
export function edgeCacheSettingsFrom(env: CacheVars, report: (message: string) => void = console.error): EdgeCacheSettings {
  const settings = { ...DEFAULT_CACHE_SETTINGS };
  if (env.CACHE_NAMESPACE) settings.namespace = env.CACHE_NAMESPACE;
  if (env.CACHE_TIMEOUT_MS) {
    const timeoutMs = Number(env.CACHE_TIMEOUT_MS);
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) settings.timeoutMs = timeoutMs;
    else report(`CACHE_TIMEOUT_MS="${env.CACHE_TIMEOUT_MS}" is not a positive number of ms; using ${settings.timeoutMs}.`);
  }
  if (env.CACHE_MEMORY_STALENESS) {
    try {
      settings.memoryMaxStalenessMs = toMilliseconds(env.CACHE_MEMORY_STALENESS);
    } catch {
      report(`CACHE_MEMORY_STALENESS="${env.CACHE_MEMORY_STALENESS}" is not a duration like '2s'; using ${settings.memoryMaxStalenessMs} ms.`);
    }
  }
  return settings;
}

/** The isolate's cache, made on the first request (its settings come from env, fixed per isolate). */
let isolateCache: EdgeCache | undefined;

/**
 * Opens a cache session per request as `c.var.cache`, and `c.var.dispatch` for background
 * revalidation (`dispatch` replays a request through the app). Pass an `EdgeCache` to use your
 * own (tests do, for a fresh memory tier and breaker); by default one lives per isolate.
 */
export function withCacheSession(
  cache: EdgeCache | undefined,
  dispatch: (request: Request, c: Context<AppEnv>) => Promise<Response>,
): MiddlewareHandler<AppEnv> {
  return async function withCacheSession(c, next) {
    const edgeCache = cache ?? (isolateCache ??= new EdgeCache(edgeCacheSettingsFrom(c.env), createCacheEventLog()));
    const redis = (timeoutMs: number) => redisClient(c.env, timeoutMs);
    c.set('cache', edgeCache.session(redis, (promise) => c.executionCtx.waitUntil(promise), c.get('requestId')));
    c.set('dispatch', (request) => dispatch(request, c));
    await next();
  };
}
