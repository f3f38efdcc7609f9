import type { Redis } from '@upstash/redis/cloudflare';
import { DEFAULT_CACHE_SETTINGS, type CacheEvent, type CacheResult, type EdgeCacheSettings } from './cache-options';
import { CacheSession } from './cache-session';
import { CircuitBreaker } from './circuit-breaker';
import { InvalidationLog } from './invalidation-log';
import { MemoryTier } from './memory-tier';
import { SharedTier } from './shared-tier';

/**
 * A lookup in flight in this isolate, as plain data. Requests that want the same key poll it
 * with their own timers and never await the leader's promise: in workerd a request must not
 * wait on another request's I/O (if the leader is canceled, a shared promise never settles).
 */
export interface InFlight {
  tags: readonly string[];
  /** When the leader started (ms since epoch): joiners give up after `leaseMs` (longer while the isolate is busy). */
  startedAt: number;
  /**
   * The invalidation log's position when the leader started: its value reflects every
   * invalidation up to it, so a joiner checks the value's tags against what came after.
   */
  seq: number;
  /** Set once by the leader. */
  settled?: { result: CacheResult<unknown> } | { error: unknown };
}

/**
 * The per-isolate half of the cache: memory tier, circuit breaker, in-flight lookups and
 * invalidations not yet confirmed by Upstash. Keep one per isolate (module scope); open a
 * `CacheSession` per request with `session()`. Everything here is plain data: no request's
 * I/O objects or promises cross into another request.
 */
export class EdgeCache {
  readonly memory: MemoryTier;
  /** Invalidations made anywhere, as far as this isolate has heard. */
  readonly log = new InvalidationLog();
  readonly breaker: CircuitBreaker;
  readonly inFlight = new Map<string, InFlight>();
  /** Keys whose stale memory entry is being refreshed in the background while Upstash is unavailable: one refresh each. */
  readonly refreshingWithoutShared = new Set<string>();
  /**
   * Tags this isolate invalidated that Upstash has not acknowledged yet, each with the attempt
   * that left it pending. Retried; meanwhile their entries in Upstash are not trusted here.
   */
  readonly pendingTags = new Map<string, number>();
  #pendingAttempts = 0;
  /**
   * Fill leases held by lookups in this isolate: key → token and expiry. A later lookup of the
   * key here (one the first became outdated for) must not wait for that fill: it would only
   * poll Upstash until the lease goes, then compute anyway.
   */
  readonly #leases = new Map<string, { token: string; until: number }>();
  /** Bumped by every local invalidation; a lookup that began before one may not fill the memory tier. */
  invalidationEpoch = 0;
  /** When pending invalidations were last retried (ms since epoch). */
  lastFlushAttempt = 0;
  /** When a lookup in flight here last settled: joiners read it as "the origin is busy, not lost". */
  lastSettledAt = 0;

  constructor(
    readonly settings: EdgeCacheSettings = DEFAULT_CACHE_SETTINGS,
    readonly onEvent: (event: CacheEvent) => void = () => {},
  ) {
    this.memory = new MemoryTier(settings.memoryMaxStalenessMs > 0 ? settings.memoryMaxEntries : 0);
    this.breaker = new CircuitBreaker({
      failureThreshold: settings.breakerThreshold,
      failureRatio: settings.breakerFailureRatio,
      windowMs: settings.breakerWindowMs,
      cooldownMs: settings.breakerCooldownMs,
    });
  }

  /**
   * A session for one request. `redis` makes a client whose calls time out after the given ms;
   * clients are made on first use, so memory hits never build one. `waitUntil` keeps background
   * work (writes, revalidation) alive after the response.
   */
  session(redis: (timeoutMs: number) => Redis, waitUntil: (promise: Promise<unknown>) => void, requestId?: string): CacheSession {
    const { namespace, timeoutMs, patientTimeoutMs, tagTtlMs } = this.settings;
    const budgets = { fastMs: timeoutMs, patientMs: patientTimeoutMs };
    const sharedTier = () => new SharedTier(redis(timeoutMs), redis(patientTimeoutMs), namespace, this.breaker, tagTtlMs, budgets);
    return new CacheSession(this, sharedTier, waitUntil, requestId);
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
    for (const tag of tags) this.pendingTags.set(tag, attempt);
    return attempt;
  }

  /** Upstash took an invalidation of `tags` that began after `attempt` left them pending: clears them, unless a later one did. */
  confirmPending(tags: readonly string[], attempt: number): void {
    for (const tag of tags) {
      if ((this.pendingTags.get(tag) ?? Infinity) <= attempt) this.pendingTags.delete(tag);
    }
  }

  /** Whether any of `tags` awaits Upstash's acknowledgement. */
  hasPending(tags: readonly string[]): boolean {
    return this.pendingTags.size > 0 && tags.some((tag) => this.pendingTags.has(tag));
  }

  /** Forgets everything this isolate holds for `tags`: memory entries and in-flight lookups. */
  dropLocally(tags: readonly string[]): void {
    this.invalidationEpoch++;
    this.memory.invalidate(tags);
    const dropped = new Set(tags);
    for (const [key, pending] of this.inFlight) {
      if (pending.tags.some((tag) => dropped.has(tag))) this.inFlight.delete(key);
    }
  }
}
