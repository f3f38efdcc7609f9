// The edge cache's one entrance: what the rest of the code (and anyone reusing the cache) may use.
// Nothing outside src/cache/ imports another file of it (npm test checks the imports have no cycles).

export { createCacheEventLog } from './cache-event-log';
export type { CacheEvent } from './cache-events';
// The middleware: a session per request, and the HTTP response cache.
export { type CacheLayerOptions, cacheLayer, defaultCacheKey } from './cache-layer';
export { type CacheOptions, type ResolvedOptions, resolveOptions } from './cache-options';
export type { CacheDetail, CacheOutcome, CacheResult } from './cache-result';
// The per-request handle (`c.var.cache`): lookups of values with options resolved once, and invalidation by tags.
export type { CacheScope, CacheSession } from './cache-session';
export {
  type CacheVars,
  DEFAULT_CACHE_SETTINGS,
  type EdgeCacheSettings,
  edgeCacheSettingsFrom,
} from './cache-settings';
// The per-isolate engine, its settings and what it reports.
export { EdgeCache } from './edge-cache';
export { FILL_SCRIPT, INVALIDATE_SCRIPT, READ_SCRIPT, RELEASE_SCRIPT } from './redis-scripts';
export type { ResponseSnapshot } from './response-snapshot';

// For tools that change data past the API (a seed forgets tags) or check the scripts against another Redis.
export { type SharedTier, sharedTierFor, type UpstashClient } from './shared-tier';
export { type CacheEnv, type CacheVariables, withCacheSession } from './with-cache-session';
