import type { Context, MiddlewareHandler } from 'hono';
import { redisClient } from '../upstash';
import { createCacheEventLog } from './cache-event-log';
import { CacheSession } from './cache-session';
import { type CacheVars, edgeCacheSettingsFrom } from './cache-settings';
import { EdgeCache } from './edge-cache';
import { sharedTierFor } from './shared-tier';

/** What the cache puts on the context, for handlers and `cacheLayer`. */
export interface CacheVariables {
  /** The edge cache for this request (memory → Upstash), set by `withCacheSession`. */
  cache: CacheSession;
  /** Runs a request through the whole app (background revalidation replays requests). */
  dispatch: (request: Request) => Promise<Response>;
}

/** The Hono env any app that uses the cache provides: the cache's vars, its variables and (optionally) a request id. */
export interface CacheEnv {
  Bindings: CacheVars;
  Variables: CacheVariables & { requestId?: string };
}

/** The isolate's cache, made on the first request (its settings come from env, fixed per isolate). */
let isolateCache: EdgeCache | undefined;

/**
 * Opens a cache session per request as `c.var.cache`, and `c.var.dispatch` for background
 * revalidation (`dispatch` replays a request through the app). Pass an `EdgeCache` to use your
 * own (tests do, for a fresh memory tier and breaker); by default one lives per isolate.
 */
export function withCacheSession<E extends CacheEnv>(
  cache: EdgeCache | undefined,
  dispatch: (request: Request, c: Context<E>) => Promise<Response>,
): MiddlewareHandler<E> {
  return async function withCacheSession(c, next) {
    const edgeCache = cache ?? (isolateCache ??= new EdgeCache(edgeCacheSettingsFrom(c.env), createCacheEventLog()));
    const sharedTier = () => sharedTierFor(edgeCache, (timeoutMs) => redisClient(c.env, timeoutMs));
    const scope = {
      waitUntil: (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise),
      requestId: c.get('requestId'),
    };
    c.set('cache', new CacheSession(edgeCache, sharedTier, scope));
    c.set('dispatch', (request: Request) => dispatch(request, c));
    await next();
  };
}
