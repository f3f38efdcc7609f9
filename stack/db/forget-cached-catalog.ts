// Seeding writes past the API, so no write invalidates what the cache holds: after a seed, every
// catalog tag's version goes (each cached answer carries at least one) and running isolates start over.
import { Redis } from '@upstash/redis';
import { EdgeCache, sharedTierFor } from '../../src/cache';
import {
  ALL_PRODUCTS_LIST,
  CATEGORIES,
  CATEGORY_LISTS,
  categoryListTag,
  productTag,
  STATS,
} from '../../src/catalog/cache-tags';

export interface CacheSettings {
  url: string;
  token: string;
  namespace: string;
}

/**
 * The cache that serves the database being seeded: Upstash settings from the same place as its
 * DATABASE_URL (the environment, or the local stack's `.dev.vars`); none when that place has none.
 */
export function cacheSettingsFor(
  source: Record<string, string | undefined>,
  namespaceFallback: string,
): CacheSettings | undefined {
  const url = source.UPSTASH_REDIS_REST_URL;
  const token = source.UPSTASH_REDIS_REST_TOKEN;
  if (!url || !token) return undefined;
  return { url, token, namespace: source.CACHE_NAMESPACE || namespaceFallback };
}

/** Every tag a cached catalog answer can carry, for products up to `highestProductId`. */
export function catalogTags(highestProductId: number, categorySlugs: readonly string[]): string[] {
  const products = Array.from({ length: highestProductId }, (_, index) => productTag(index + 1));
  return [ALL_PRODUCTS_LIST, CATEGORY_LISTS, CATEGORIES, STATS, ...categorySlugs.map(categoryListTag), ...products];
}

/** Makes every cached answer carrying one of `tags` unusable, and starts the invalidation log over. */
export async function forgetCachedCatalog(settings: CacheSettings, tags: readonly string[]): Promise<number> {
  const redis = new Redis({
    url: settings.url,
    token: settings.token,
    retry: false,
    enableTelemetry: false,
    enableAutoPipelining: false,
    automaticDeserialization: false,
  });
  const client = redis;
  // The Upstash tier the Worker's own cache would have, made from the same settings.
  return sharedTierFor(new EdgeCache({ namespace: settings.namespace }), () => client).forgetTags(tags);
}
