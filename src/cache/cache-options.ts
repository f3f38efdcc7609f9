// The cache's public types, its defaults, and option resolution (done once per call site).
import { toMilliseconds, type Duration } from './duration';

/** Per-call caching policy. */
export interface CacheOptions<T = unknown> {
  /** How long a value is fresh (served as HIT). Required. */
  ttl: Duration;
  /** After `ttl`, how long the old value is still served (STALE) while one caller refreshes it. @default '0s' */
  swr?: Duration;
  /** After `ttl + swr`, how long the old value is kept to answer when the origin fails. @default '1h' */
  staleIfError?: Duration;
  /** Tags for invalidation: `invalidate(['product:42'])` drops every entry tagged so. No whitespace. @default [] */
  tags?: readonly string[];
  /**
   * Tags read off a computed value, for what only the value knows (the products on a list
   * page): invalidating one drops the entry too, race-free. No whitespace. @default none
   */
  contentTags?: (value: T) => readonly string[];
  /** Whether a computed value may be stored (e.g. not an error response). @default every value */
  storable?: (value: T) => boolean;
  /** Whether a computed value means the origin failed (a stale entry then answers instead). @default none */
  failed?: (value: T) => boolean;
  /** Whether a stored value has the expected shape; anything else is a miss. @default any value */
  validate?: (value: unknown) => value is T;
  /**
   * Refreshes the entry in the background when a STALE value is served. Defaults to calling
   * `compute` again and storing its value; an HTTP layer re-dispatches the request instead.
   */
  revalidate?: () => Promise<void>;
}

/** Marks options already resolved, so a lookup can take them as they are. */
const RESOLVED: unique symbol = Symbol('resolved cache options');

export interface ResolvedOptions<T> {
  readonly [RESOLVED]: true;
  /** Sorted, without duplicates. */
  readonly tags: readonly string[];
  contentTags: (value: T) => readonly string[];
  ttlMs: number;
  swrMs: number;
  staleIfErrorMs: number;
  storable: (value: T) => boolean;
  failed: (value: T) => boolean;
  validate: (value: unknown) => value is T;
  revalidate?: () => Promise<void>;
}

const noContentTags = () => [];

/** Defaults filled in and durations parsed; options resolved already are returned as they are. */
export function resolveOptions<T>(options: CacheOptions<T> | ResolvedOptions<T>): ResolvedOptions<T> {
  if (RESOLVED in options) return options;
  return {
    [RESOLVED]: true,
    tags: normalizedTags(options.tags ?? []),
    contentTags: options.contentTags ?? noContentTags,
    ttlMs: toMilliseconds(options.ttl),
    swrMs: toMilliseconds(options.swr ?? '0s'),
    staleIfErrorMs: toMilliseconds(options.staleIfError ?? '1h'),
    storable: options.storable ?? (() => true),
    failed: options.failed ?? (() => false),
    validate: options.validate ?? ((_value: unknown): _value is T => true),
    revalidate: options.revalidate,
  };
}

/**
 * `base` (resolved once, by a call site) for one call: its tags, worked out only when the lookup
 * needs them (a memory hit does not), and its revalidation.
 */
export function forCall<T>(base: ResolvedOptions<T>, tagsOf: () => readonly string[], revalidate?: () => Promise<void>): ResolvedOptions<T> {
  let tags: readonly string[] | undefined;
  return {
    ...base,
    get tags() {
      return (tags ??= normalizedTags(tagsOf()));
    },
    revalidate,
  };
}

function normalizedTags(given: readonly string[]): readonly string[] {
  const tags = [...new Set(given)].sort();
  // Tags travel space-separated in entry headers and log records.
  if (tags.some((tag) => /\s/.test(tag) || tag === '')) throw new TypeError(`Cache tags must be non-empty and without whitespace: ${JSON.stringify(tags)}`);
  return tags;
}

/** Per-isolate settings; `edgeCacheSettingsFrom(env)` reads some of them from the Worker's vars. */
export interface EdgeCacheSettings {
  /** Prefix of every Redis key, so several apps or test runs can share one database. @default 'edge-api' */
  namespace: string;
  /**
   * Longest a single Upstash call may take before it counts as failed. Sized for a Worker far
   * from its Upstash region (round trips of ~150 ms, more under load), so a slow answer is never
   * taken for an outage. @default 500
   */
  timeoutMs: number;
  /**
   * Budget of the Upstash calls no response waits for (fills, lease releases) and of
   * invalidations: a missed invalidation costs more than a slow write, and an isolate busy
   * with a burst must not mistake its own queueing for an outage. @default 2000
   */
  patientTimeoutMs: number;
  /**
   * Longest an isolate serves values from memory without having heard from Upstash's
   * invalidation log: bounds how long another isolate's write can go unseen here (one small
   * call per isolate per period when nothing else reads Upstash). 0 turns the memory tier off. @default 1000
   */
  memoryMaxStalenessMs: number;
  /** Entries the memory tier holds per isolate. @default 5000 */
  memoryMaxEntries: number;
  /**
   * How long a fill lease lasts; callers that lost it (in another isolate, or to a lookup in
   * flight in this one) wait for the fill at most this long, then compute themselves. @default 2000
   */
  leaseMs: number;
  /** Lifetime of a tag's version in Redis; must exceed every entry's ttl + max(swr, staleIfError). @default 86400000 */
  tagTtlMs: number;
  /** Upstash failures within `breakerWindowMs` that open the circuit (if they are also `breakerFailureRatio` of the calls). @default 5 */
  breakerThreshold: number;
  /** Share of the window's Upstash calls that must have failed to open the circuit. @default 0.5 */
  breakerFailureRatio: number;
  /** The window failures are counted in. @default 10000 */
  breakerWindowMs: number;
  /** How long an open circuit skips Upstash before one trial call. @default 5000 */
  breakerCooldownMs: number;
}

export const DEFAULT_CACHE_SETTINGS: EdgeCacheSettings = {
  namespace: 'edge-api',
  timeoutMs: 500,
  patientTimeoutMs: 2000,
  memoryMaxStalenessMs: 1000,
  memoryMaxEntries: 5000,
  leaseMs: 2000,
  tagTtlMs: 86_400_000,
  breakerThreshold: 5,
  breakerFailureRatio: 0.5,
  breakerWindowMs: 10_000,
  breakerCooldownMs: 5000,
};

export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/** Why a value came from where it did; the HTTP layer turns it into headers. */
export type CacheDetail =
  | 'memory' | 'redis' | 'collapsed' | 'filled-by-peer'
  | 'stale-while-revalidate' | 'stale-if-error'
  | 'miss' | 'refresh' | 'no-fill' | 'cache-unavailable' | 'invalidation-pending';

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

/** Cache events worth a log line; never thrown. */
export type CacheEvent =
  | { type: 'cache-unavailable'; operation: string; error: unknown; requestId?: string }
  | { type: 'invalidation-failed'; tags: readonly string[]; attempt: number; error: unknown; requestId?: string };
