import type { CacheEvent } from './cache-events';
import type { CacheResult } from './cache-result';
import { DEFAULT_CACHE_SETTINGS, type EdgeCacheSettings } from './cache-settings';
import { CircuitBreaker } from './circuit-breaker';
import { InvalidationLog } from './invalidation-log';
import { MemoryTier } from './memory-tier';

/**
 * A lookup in flight in this isolate, as plain data. Requests that want the same key poll it
 * with their own timers and never await the leader's promise: in workerd a request must not
 * wait on another request's I/O (if the leader is canceled, a shared promise never settles).
 */
export interface InFlight {
  readonly tags: readonly string[];
  /** When the leader started (ms since epoch): joiners give up after `leaseMs` (longer while the isolate is busy). */
  readonly startedAt: number;
  /**
   * The invalidation log's position when the leader started: its value reflects every
   * invalidation up to it, so a joiner checks the value's tags against what came after.
   */
  seq: number;
  /** Set once by the leader. */
  settled?: { result: CacheResult<unknown> } | { error: unknown };
}

/**
 * The per-isolate half of the cache: memory tier, invalidation log, circuit breaker, lookups in
 * flight, fill leases and invalidations not yet confirmed by Upstash. Keep one per isolate
 * (module scope); each request opens a `CacheSession` on it. Its state is private and plain
 * data: no request's I/O objects or promises cross into another request.
 */
export class EdgeCache {
  readonly settings: Readonly<EdgeCacheSettings>;
  /** Values this isolate remembers (each component keeps its own state private). */
  readonly memory: MemoryTier;
  /** Invalidations made anywhere, as far as this isolate has heard. */
  readonly log: InvalidationLog;
  readonly breaker: CircuitBreaker;
  readonly #inFlight = new Map<string, InFlight>();
  /** Keys whose stale memory entry is being refreshed in the background while Upstash is unavailable: one refresh each. */
  readonly #refreshing = new Set<string>();
  /**
   * Tags this isolate invalidated that Upstash has not acknowledged yet, each with the attempt
   * that left it pending. Retried; meanwhile their entries in Upstash are not trusted here.
   */
  readonly #pendingTags = new Map<string, number>();
  #pendingAttempts = 0;
  /** When pending invalidations were last retried (ms since epoch). */
  #lastRetryAt = 0;
  /**
   * Fill leases held by lookups in this isolate: key → token and expiry. A later lookup of the
   * key here (one the first became outdated for) must not wait for that fill: it would only
   * poll Upstash until the lease goes, then compute anyway.
   */
  readonly #leases = new Map<string, { token: string; until: number }>();
  /** Bumped by every local invalidation; a lookup that began before one may not fill the memory tier. */
  #epoch = 0;
  /** When a lookup in flight here last settled: joiners read it as "the origin is busy, not lost". */
  #lastSettledAt = 0;

  /** `settings` not given take their defaults; `onEvent` hears every failure (`createCacheEventLog` logs them). */
  constructor(
    settings: Partial<EdgeCacheSettings> = {},
    readonly onEvent: (event: CacheEvent) => void = () => {},
  ) {
    this.settings = Object.freeze({ ...DEFAULT_CACHE_SETTINGS, ...settings });
    const { memoryMaxStalenessMs, memoryMaxEntries } = this.settings;
    this.memory = new MemoryTier(memoryMaxStalenessMs > 0 ? memoryMaxEntries : 0);
    this.log = new InvalidationLog(this.settings.logFirstLookBackMs);
    this.breaker = new CircuitBreaker({
      failureThreshold: this.settings.breakerThreshold,
      failureRatio: this.settings.breakerFailureRatio,
      windowMs: this.settings.breakerWindowMs,
      cooldownMs: this.settings.breakerCooldownMs,
    });
  }

  /** The local invalidation count: a lookup that saw another value may not fill the memory tier. */
  get epoch(): number {
    return this.#epoch;
  }

  /** The lookup of `key` in flight here, if any. */
  inFlight(key: string): InFlight | undefined {
    return this.#inFlight.get(key);
  }

  /** Registers a lookup of `key` as in flight (call before its first await, so concurrent callers join it). */
  startLookup(key: string, tags: readonly string[]): InFlight {
    const slot: InFlight = { tags, startedAt: Date.now(), seq: this.log.newest };
    this.#inFlight.set(key, slot);
    return slot;
  }

  /** The lookup ended (its slot holds the outcome for joiners already waiting). */
  settleLookup(key: string, slot: InFlight): void {
    this.#lastSettledAt = Date.now();
    this.abandonLookup(key, slot);
  }

  /** Forgets `slot` as the key's lookup in flight: a joiner gave up on it (its request canceled or stuck). */
  abandonLookup(key: string, slot: InFlight): void {
    if (this.#inFlight.get(key) === slot) this.#inFlight.delete(key);
  }

  /** Whether a lookup here settled within `withinMs`: a waiting leader is queued behind work, not lost. */
  settledRecently(now: number, withinMs: number): boolean {
    return this.#lastSettledAt > now - withinMs;
  }

  /** Claims the key's one background refresh without Upstash; false while one runs. */
  claimRefresh(key: string): boolean {
    if (this.#refreshing.has(key)) return false;
    this.#refreshing.add(key);
    return true;
  }

  endRefresh(key: string): void {
    this.#refreshing.delete(key);
  }

  noteLease(key: string, token: string, until: number): void {
    this.#leases.set(key, { token, until });
  }

  dropLease(key: string, token: string): void {
    if (this.#leases.get(key)?.token === token) this.#leases.delete(key);
  }

  /** Whether a lookup in this isolate holds the key's fill lease. */
  holdsLease(key: string, now: number): boolean {
    const lease = this.#leases.get(key);
    if (lease && lease.until <= now) this.#leases.delete(key);
    return lease !== undefined && lease.until > now;
  }

  /** Marks `tags` pending; returns the attempt, for `confirmPending`. */
  markPending(tags: readonly string[]): number {
    const attempt = ++this.#pendingAttempts;
    for (const tag of tags) this.#pendingTags.set(tag, attempt);
    return attempt;
  }

  /** Upstash took an invalidation of `tags` that began after `attempt` left them pending: clears them, unless a later one did. */
  confirmPending(tags: readonly string[], attempt: number): void {
    for (const tag of tags) {
      if ((this.#pendingTags.get(tag) ?? Infinity) <= attempt) this.#pendingTags.delete(tag);
    }
  }

  /** Whether any of `tags` awaits Upstash's acknowledgement. */
  hasPending(tags: readonly string[]): boolean {
    return this.#pendingTags.size > 0 && tags.some((tag) => this.#pendingTags.has(tag));
  }

  /** Tags awaiting Upstash's acknowledgement, in the order they were first left pending. */
  pendingTags(): string[] {
    return [...this.#pendingTags.keys()];
  }

  /** The pending tags and the latest attempt among them, or undefined when none are pending. */
  pendingInvalidation(): { tags: string[]; upTo: number } | undefined {
    if (this.#pendingTags.size === 0) return undefined;
    return { tags: this.pendingTags(), upTo: Math.max(...this.#pendingTags.values()) };
  }

  /** Whether a request should retry the pending invalidations now (at most once per `pendingRetryIntervalMs`); claims the retry. */
  claimPendingRetry(now: number): boolean {
    if (this.#pendingTags.size === 0 || now - this.#lastRetryAt < this.settings.pendingRetryIntervalMs) return false;
    this.#lastRetryAt = now;
    return true;
  }

  /** Forgets everything this isolate holds for `tags`: memory entries and in-flight lookups. */
  dropLocally(tags: readonly string[]): void {
    this.#epoch++;
    this.memory.invalidate(tags);
    const dropped = new Set(tags);
    for (const [key, pending] of this.#inFlight) {
      if (pending.tags.some((tag) => dropped.has(tag))) this.#inFlight.delete(key);
    }
  }
}
