import type { Redis } from '@upstash/redis/cloudflare';
import { decodeEntry, encodeEntry, freshnessOf } from './cache-entry';
import { CircuitBreaker } from './circuit-breaker';
import { toMilliseconds, type Duration } from './duration';
import { MemoryTier, type DecodedEntry } from './memory-tier';
import { CacheUnavailableError, SharedTier, type SharedRead } from './shared-tier';
import { decodeValue, encodeValue } from './value-codec';

/** Per-call caching policy. */
export interface CacheOptions<T = unknown> {
  /** How long a value is fresh (served as HIT). Required. */
  ttl: Duration;
  /** After `ttl`, how long the old value is still served (STALE) while one caller refreshes it. @default '0s' */
  swr?: Duration;
  /** After `ttl + swr`, how long the old value is kept to answer when the origin fails. @default '1h' */
  staleIfError?: Duration;
  /** Tags for invalidation: `invalidate(['product:42'])` drops every entry tagged so. @default [] */
  tags?: readonly string[];
  /** Whether a computed value may be stored (e.g. not an error response). @default every value */
  storable?: (value: T) => boolean;
  /**
   * Refreshes the entry in the background when a STALE value is served. Defaults to calling
   * `compute` again and storing its value; an HTTP layer re-dispatches the request instead.
   */
  revalidate?: () => Promise<void>;
}

/** Per-isolate settings; `edgeCacheSettingsFrom(env)` reads them from the Worker's vars. */
export interface EdgeCacheSettings {
  /** Prefix of every Redis key, so several apps or test runs can share one database. @default 'edge-api' */
  namespace: string;
  /** Longest a single Upstash call may take before the request falls back to the origin. @default 50 */
  timeoutMs: number;
  /** Longest an isolate serves a value from memory without asking Upstash (bounds cross-isolate staleness). @default 2000 */
  memoryMaxStalenessMs: number;
  /** Entries the memory tier holds per isolate. @default 1000 */
  memoryMaxEntries: number;
  /** How long a fill lease lasts: the longest another isolate waits before computing itself. @default 2000 */
  leaseMs: number;
  /** How long a caller that lost the lease polls for the winner's value before computing itself. @default 750 */
  fillWaitMs: number;
  /** Consecutive Upstash failures that open the circuit. @default 3 */
  breakerThreshold: number;
  /** How long an open circuit skips Upstash. @default 5000 */
  breakerCooldownMs: number;
}

export const DEFAULT_CACHE_SETTINGS: EdgeCacheSettings = {
  namespace: 'edge-api',
  timeoutMs: 50,
  memoryMaxStalenessMs: 2000,
  memoryMaxEntries: 1000,
  leaseMs: 2000,
  fillWaitMs: 750,
  breakerThreshold: 3,
  breakerCooldownMs: 5000,
};

export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/** Why a value came from where it did; the HTTP layer turns it into headers. */
export type CacheDetail =
  | 'memory' | 'redis' | 'collapsed' | 'filled-by-peer'
  | 'stale-while-revalidate' | 'stale-if-error'
  | 'miss' | 'refresh' | 'lease-wait-timeout' | 'cache-unavailable';

export interface CacheResult<T> {
  value: T;
  outcome: CacheOutcome;
  detail: CacheDetail;
  /** Whether this call stored the value it computed. */
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
  | { type: 'cache-unavailable'; operation: string; error: unknown }
  | { type: 'invalidation-failed'; tags: readonly string[]; attempt: number; error: unknown };

interface ResolvedOptions<T> {
  tags: readonly string[];
  ttlMs: number;
  swrMs: number;
  staleIfErrorMs: number;
  storable: (value: T) => boolean;
  revalidate?: () => Promise<void>;
}

function resolveOptions<T>(options: CacheOptions<T>): ResolvedOptions<T> {
  return {
    tags: [...new Set(options.tags ?? [])].sort(),
    ttlMs: toMilliseconds(options.ttl),
    swrMs: toMilliseconds(options.swr ?? '0s'),
    staleIfErrorMs: toMilliseconds(options.staleIfError ?? '1h'),
    storable: options.storable ?? (() => true),
    revalidate: options.revalidate,
  };
}

/** The stored entry with its value, or undefined for anything unreadable (treated as a miss). */
function decodeStored(stored: unknown): DecodedEntry | undefined {
  const entry = decodeEntry(stored);
  if (!entry) return undefined;
  try {
    return { ...entry, value: decodeValue(entry.payload) };
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsedSince = (started: number) => performance.now() - started;

interface InFlight {
  tags: readonly string[];
  result: Promise<CacheResult<unknown>>;
}

/**
 * The per-isolate half of the cache: memory tier, circuit breaker and in-flight lookups.
 * Keep one per isolate (module scope); open a `CacheSession` per request.
 */
export class EdgeCache {
  readonly memory: MemoryTier;
  readonly breaker: CircuitBreaker;
  readonly inFlight = new Map<string, InFlight>();
  /** Bumped by every local invalidation; a lookup that began before one may not fill the memory tier. */
  invalidationEpoch = 0;

  constructor(
    readonly settings: EdgeCacheSettings = DEFAULT_CACHE_SETTINGS,
    readonly onEvent: (event: CacheEvent) => void = () => {},
  ) {
    this.memory = new MemoryTier(settings.memoryMaxEntries, settings.memoryMaxStalenessMs);
    this.breaker = new CircuitBreaker(settings.breakerThreshold, settings.breakerCooldownMs);
  }

  /** `redis` may be a factory: memory hits then never build a client. */
  session(redis: Redis | (() => Redis), waitUntil: (promise: Promise<unknown>) => void): CacheSession {
    const sharedTier = () => new SharedTier(typeof redis === 'function' ? redis() : redis, this.settings.namespace, this.breaker);
    return new CacheSession(this, sharedTier, waitUntil);
  }
}

/** The cache for one request: lookups, `cached()` and invalidation. */
export class CacheSession {
  #shared: SharedTier | undefined;

  constructor(
    private readonly cache: EdgeCache,
    private readonly createSharedTier: () => SharedTier,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {}

  /** The Upstash tier, made on first use. */
  private get shared(): SharedTier {
    this.#shared ??= this.createSharedTier();
    return this.#shared;
  }

  /** The value for `key`: from memory, Upstash, or `compute`, at most one compute per key at a time. */
  async cached<T>(key: string, compute: () => Promise<T>, options: CacheOptions<T>): Promise<T> {
    return (await this.lookup(key, compute, options)).value;
  }

  /** Like `cached`, with where the value came from. */
  async lookup<T>(key: string, compute: () => Promise<T>, options: CacheOptions<T>): Promise<CacheResult<T>> {
    const resolved = resolveOptions(options);
    const started = performance.now();
    const now = Date.now();

    const remembered = this.cache.memory.get(key, now);
    if (remembered) {
      return { ...this.#fromEntry<T>(remembered, now, 'HIT', 'memory'), cacheMs: elapsedSince(started) };
    }

    const pending = this.cache.inFlight.get(key);
    if (pending) {
      const shared = (await pending.result) as CacheResult<T>;
      const outcome = shared.outcome === 'MISS' ? 'HIT' : shared.outcome;
      return { ...shared, outcome, detail: 'collapsed', stored: false, originMs: 0, cacheMs: elapsedSince(started) };
    }

    const result = this.#lookupShared(key, compute, resolved, now, started);
    const entry: InFlight = { tags: resolved.tags, result };
    this.cache.inFlight.set(key, entry);
    try {
      return await result;
    } finally {
      if (this.cache.inFlight.get(key) === entry) this.cache.inFlight.delete(key);
    }
  }

  /** Recomputes and stores the value now, whatever is cached (a request's `Cache-Control: no-cache`). */
  async refresh<T>(key: string, compute: () => Promise<T>, options: CacheOptions<T>): Promise<CacheResult<T>> {
    const resolved = resolveOptions(options);
    const started = performance.now();
    const epoch = this.cache.invalidationEpoch;
    let read: SharedRead | undefined;
    try {
      read = await this.shared.read(key, resolved.tags, Date.now(), this.cache.settings.leaseMs);
    } catch (error) {
      this.#report(error, 'read');
    }
    const cacheMs = elapsedSince(started);
    const computed = await this.#compute(compute);
    if (!read) return this.#computedResult(computed, 'BYPASS', 'cache-unavailable', false, cacheMs);
    const stored = this.#store(key, computed.value, read.tagStamp, resolved, epoch, true);
    return this.#computedResult(computed, 'MISS', 'refresh', stored, cacheMs);
  }

  /**
   * Drops `tags` everywhere: this isolate's memory and in-flight lookups at once, then Upstash.
   * Call it after the write has committed, and await it before answering, so no later read
   * sees pre-write data. If Upstash cannot be reached, it is retried in the background and
   * the stale window is bounded by the entries' ttl.
   */
  async invalidate(tags: readonly string[]): Promise<void> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return;
    this.cache.invalidationEpoch++;
    this.cache.memory.invalidate(unique);
    for (const [key, pending] of this.cache.inFlight) {
      if (pending.tags.some((tag) => unique.includes(tag))) this.cache.inFlight.delete(key);
    }
    try {
      await this.shared.invalidate(unique);
    } catch (error) {
      this.cache.onEvent({ type: 'invalidation-failed', tags: unique, attempt: 1, error });
      this.waitUntil(this.#retryInvalidation(unique));
    }
  }

  async #retryInvalidation(tags: readonly string[]): Promise<void> {
    for (const [index, delay] of [250, 1000, 4000].entries()) {
      await sleep(delay);
      try {
        await this.shared.invalidate(tags);
        return;
      } catch (error) {
        this.cache.onEvent({ type: 'invalidation-failed', tags, attempt: index + 2, error });
      }
    }
  }

  async #lookupShared<T>(
    key: string, compute: () => Promise<T>, options: ResolvedOptions<T>, now: number, started: number,
  ): Promise<CacheResult<T>> {
    const epoch = this.cache.invalidationEpoch;
    let read: SharedRead;
    try {
      read = await this.shared.read(key, options.tags, now, this.cache.settings.leaseMs);
    } catch (error) {
      this.#report(error, 'read');
      const cacheMs = elapsedSince(started);
      return this.#computedResult(await this.#compute(compute), 'BYPASS', 'cache-unavailable', false, cacheMs);
    }

    const found = decodeStored(read.stored);
    // An entry stamped with other tag versions was invalidated: it is never served.
    const entry = found && found.tagStamp === read.tagStamp ? found : undefined;
    const freshness = entry && freshnessOf(entry, now);

    if (entry && freshness === 'fresh') {
      if (epoch === this.cache.invalidationEpoch) this.cache.memory.set(key, entry, options.tags, now);
      return { ...this.#fromEntry<T>(entry, now, 'HIT', 'redis'), cacheMs: elapsedSince(started) };
    }
    if (entry && freshness === 'stale') {
      if (read.leaseToken) this.waitUntil(this.#revalidate(key, compute, options, read.tagStamp, epoch));
      return { ...this.#fromEntry<T>(entry, now, 'STALE', 'stale-while-revalidate'), cacheMs: elapsedSince(started) };
    }

    let detail: CacheDetail = 'miss';
    if (!read.leaseToken) {
      // Another isolate is filling this key: wait briefly for its value instead of querying too.
      const filled = await this.#waitForFill(key, read.tagStamp);
      if (filled) {
        return { ...this.#fromEntry<T>(filled, Date.now(), 'HIT', 'filled-by-peer'), cacheMs: elapsedSince(started) };
      }
      detail = 'lease-wait-timeout';
    }
    const cacheMs = elapsedSince(started);
    let computed: { value: T; originMs: number };
    try {
      computed = await this.#compute(compute);
    } catch (error) {
      // stale-if-error: an expired (but not invalidated) entry beats an error.
      if (entry && now < entry.retainUntil) {
        return { ...this.#fromEntry<T>(entry, now, 'STALE', 'stale-if-error'), cacheMs };
      }
      throw error;
    }
    const stored = this.#store(key, computed.value, read.tagStamp, options, epoch, read.leaseToken !== undefined);
    return this.#computedResult(computed, 'MISS', detail, stored, cacheMs);
  }

  async #waitForFill(key: string, tagStamp: string): Promise<DecodedEntry | undefined> {
    const deadline = Date.now() + this.cache.settings.fillWaitMs;
    for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
      await sleep(delay);
      let stored: string | null;
      try {
        stored = await this.shared.peek(key);
      } catch (error) {
        this.#report(error, 'peek');
        return undefined;
      }
      const entry = decodeStored(stored);
      if (entry && entry.tagStamp === tagStamp && freshnessOf(entry, Date.now()) === 'fresh') return entry;
    }
    return undefined;
  }

  async #revalidate<T>(
    key: string, compute: () => Promise<T>, options: ResolvedOptions<T>, tagStamp: string, epoch: number,
  ): Promise<void> {
    try {
      if (options.revalidate) return await options.revalidate();
      const { value } = await this.#compute(compute);
      this.#store(key, value, tagStamp, options, epoch, true);
    } catch {
      // The stale value keeps being served; the lease expires and a later request retries.
    }
  }

  async #compute<T>(compute: () => Promise<T>): Promise<{ value: T; originMs: number }> {
    const started = performance.now();
    const value = await compute();
    return { value, originMs: elapsedSince(started) };
  }

  /** Writes in the background (the caller already has the value) and fills the memory tier. */
  #store<T>(key: string, value: T, tagStamp: string, options: ResolvedOptions<T>, epoch: number, releaseLease: boolean): boolean {
    if (!options.storable(value)) {
      if (releaseLease) this.waitUntil(this.shared.releaseLease(key).catch((error: unknown) => this.#report(error, 'release')));
      return false;
    }
    const now = Date.now();
    const entry: DecodedEntry = {
      storedAt: now,
      freshUntil: now + options.ttlMs,
      staleUntil: now + options.ttlMs + options.swrMs,
      retainUntil: now + options.ttlMs + Math.max(options.swrMs, options.staleIfErrorMs),
      tagStamp,
      payload: encodeValue(value),
      value,
    };
    if (epoch === this.cache.invalidationEpoch) this.cache.memory.set(key, entry, options.tags, now);
    this.waitUntil(this.shared.write(key, encodeEntry(entry), entry.retainUntil - now, releaseLease)
      .catch((error: unknown) => this.#report(error, 'write')));
    return true;
  }

  #fromEntry<T>(entry: DecodedEntry, now: number, outcome: CacheOutcome, detail: CacheDetail): Omit<CacheResult<T>, 'cacheMs'> {
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

  #computedResult<T>(
    computed: { value: T; originMs: number }, outcome: CacheOutcome, detail: CacheDetail, stored: boolean, cacheMs: number,
  ): CacheResult<T> {
    return { value: computed.value, outcome, detail, stored, ageSeconds: 0, ttlSeconds: 0, cacheMs, originMs: computed.originMs };
  }

  #report(error: unknown, operation: string): void {
    this.cache.onEvent({ type: 'cache-unavailable', operation, error });
  }
}
