// What a lookup answers: the value, where it came from, and what it cost.
import type { DecodedEntry } from './memory-tier';

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

/** A result answered from a stored entry (its age and freshness as of `now`), without `cacheMs`. */
export function resultFromEntry<T>(
  entry: DecodedEntry,
  now: number,
  outcome: CacheOutcome,
  detail: CacheDetail,
): Omit<CacheResult<T>, 'cacheMs'> {
  return {
    value: entry.value as T,
    outcome,
    detail,
    stored: false,
    ageSeconds: Math.max(0, Math.floor((now - entry.storedAt) / 1000)),
    ttlSeconds: Math.floor((entry.freshUntil - now) / 1000),
    originMs: 0,
  };
}

/** A result this lookup computed. */
export function computedResult<T>(
  computed: { value: T; originMs: number },
  outcome: CacheOutcome,
  detail: CacheDetail,
  stored: boolean,
  cacheMs: number,
): CacheResult<T> {
  return {
    value: computed.value,
    outcome,
    detail,
    stored,
    ageSeconds: 0,
    ttlSeconds: 0,
    cacheMs,
    originMs: computed.originMs,
  };
}
