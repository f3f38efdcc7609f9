import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { toMilliseconds } from './duration';
import { DEFAULT_CACHE_SETTINGS, EdgeCache, type CacheEvent, type EdgeCacheSettings } from './edge-cache';
import { createRedis } from './redis';

type CacheVars = Partial<Pick<Env, 'CACHE_NAMESPACE' | 'CACHE_TIMEOUT_MS' | 'CACHE_MEMORY_STALENESS'>>;

/** Settings from the Worker's vars; anything unset keeps its default. */
export function edgeCacheSettingsFrom(env: CacheVars): EdgeCacheSettings {
  const timeoutMs = Number(env.CACHE_TIMEOUT_MS);
  return {
    ...DEFAULT_CACHE_SETTINGS,
    ...(env.CACHE_NAMESPACE && { namespace: env.CACHE_NAMESPACE }),
    ...(env.CACHE_TIMEOUT_MS && Number.isFinite(timeoutMs) && timeoutMs > 0 && { timeoutMs }),
    ...(env.CACHE_MEMORY_STALENESS && { memoryMaxStalenessMs: toMilliseconds(env.CACHE_MEMORY_STALENESS) }),
  };
}

function logCacheEvent(event: CacheEvent): void {
  const cause = event.error instanceof Error ? `${event.error.message}${event.error.cause instanceof Error ? `: ${event.error.cause.message}` : ''}` : String(event.error);
  console.warn(JSON.stringify({ level: 'warn', event: event.type, ...('tags' in event ? { tags: event.tags, attempt: event.attempt } : { operation: event.operation }), cause }));
}

/** The isolate's cache, made on the first request (its settings come from env, fixed per isolate). */
let isolateCache: EdgeCache | undefined;

/**
 * Opens a cache session per request as `c.var.cache`. Pass an `EdgeCache` to use your own
 * (tests do, for a fresh memory tier and breaker); by default one lives per isolate.
 */
export function withCacheSession(cache?: EdgeCache): MiddlewareHandler<AppEnv> {
  return async function withCacheSession(c, next) {
    const edgeCache = cache ?? (isolateCache ??= new EdgeCache(edgeCacheSettingsFrom(c.env), logCacheEvent));
    const redis = () => createRedis(c.env, edgeCache.settings.timeoutMs);
    c.set('cache', edgeCache.session(redis, (promise) => c.executionCtx.waitUntil(promise)));
    await next();
  };
}
