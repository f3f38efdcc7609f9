// What a lookup answers: the value, where it came from, and what it cost.

export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/** Why a value came from where it did; the HTTP layer turns it into headers. */
export type CacheDetail =
  | 'memory'
  | 'redis'
  | 'collapsed'
  | 'filled-by-peer'
  | 'stale-while-revalidate'
  | 'stale-if-error'
  | 'miss'
  | 'refresh'
  | 'no-fill'
  | 'cache-unavailable'
  | 'invalidation-pending';

export interface CacheResult<T> {
  value: T;
  outcome: CacheOutcome;
  detail: CacheDetail;
  /** Whether this call stored the value it computed (the write itself completes in the background). */
  stored: boolean;
  /** Seconds since the value was computed. */
  ageSeconds: number;
  /** Seconds of freshness left (negative once stale). */
  ttlSeconds: number;
  /** Time spent on cache reads, in ms. */
  cacheMs: number;
  /** Time spent computing the value, in ms (0 when it came from the cache). */
  originMs: number;
}
