// The edge cache's one entrance: what the rest of the code (and anyone reusing the cache) may use.
// Nothing outside src/cache/ imports another file of it (npm test checks the imports have no cycles).

// The middleware: a session per request, and the HTTP response cache.
export { cacheLayer, defaultCacheKey, type CacheLayerOptions } from './cache-layer';
export { withCacheSession, type CacheEnv, type CacheVariables } from './with-cache-session';

// The per-request handle (`c.var.cache`): lookups of values with options resolved once, and invalidation by tags.
export type { CacheScope, CacheSession } from './cache-session';
export { resolveOptions, type CacheOptions, type ResolvedOptions } from './cache-options';
export type { CacheDetail, CacheOutcome, CacheResult } from './cache-result';
export type { ResponseSnapshot } from './response-snapshot';

// The per-isolate engine, its settings and what it reports.
export { EdgeCache } from './edge-cache';
export { DEFAULT_CACHE_SETTINGS, edgeCacheSettingsFrom, type CacheVars, type EdgeCacheSettings } from './cache-settings';
export type { CacheEvent } from './cache-events';
export { createCacheEventLog } from './cache-event-log';

// For tools that change data past the API (a seed forgets tags) or check the scripts against another Redis.
export { sharedTierFor, type SharedTier, type UpstashClient } from './shared-tier';
export { FILL_SCRIPT, INVALIDATE_SCRIPT, READ_SCRIPT, RELEASE_SCRIPT } from './redis-scripts';
