import { decodeEntry, encodeEntry, freshnessOf } from './cache-entry';
import { resolveOptions, type CacheDetail, type CacheOptions, type CacheOutcome, type CacheResult, type ResolvedOptions } from './cache-options';
import type { EdgeCache, InFlight } from './edge-cache';
import type { DecodedEntry, MemoryItem } from './memory-tier';
import { CacheUnavailableError, type SharedRead, type SharedTier } from './shared-tier';
import { decodeValue, encodeValue } from './value-codec';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Pause before the next look at a lookup in flight: 4 ms, then 8 ms, then an eighth of the time
 * waited so far (at most 100 ms). A lookup that joins takes one Upstash round trip at least, so
 * earlier looks are wasted wake-ups (~7 µs of CPU each in workerd, times every waiter of a
 * stampede, while the leader needs the CPU); later, what joining adds to a waiter's latency stays
 * small next to the wait, and hundreds of waiters of a slow origin do not wake every few ms.
 */
const FIRST_JOIN_POLL_MS = 4;
const nextJoinPollMs = (delay: number, waitedMs: number) => Math.min(100, Math.max(Math.min(delay * 2, 8), waitedMs / 8));
/**
 * Leases a joiner waits in all for a leader while other lookups in this isolate keep finishing:
 * then the leader is queued behind them, not lost, and computing too would add the work an
 * overloaded isolate has no room for. A leader whose request was canceled in a quiet isolate
 * is given up on after one lease.
 */
const MAX_JOIN_LEASES = 4;
/**
 * Longest pause between two looks (Upstash round trips) at another isolate's fill. Only one
 * lookup per key and isolate polls (its joiners wait on it in memory), so a stampede across N
 * isolates costs N - 1 peeks per 10 ms, and each waiting isolate learns of the fill within ~10 ms.
 */
const MAX_FILL_POLL_MS = 10;
/**
 * How long a failed computation answers the isolates waiting for its lease: every waiter looks
 * well within it (at most MAX_FILL_POLL_MS apart), and once the database is back, a key is asked
 * again within it.
 */
const FAILURE_SHARED_MS = 500;
const elapsedSince = (started: number) => performance.now() - started;

/** In-flight key of a forced refresh: concurrent refreshes share one computation, but never a plain lookup's. */
const REFRESH_PREFIX = '\u0000refresh:';
const refreshKey = (key: string) => `${REFRESH_PREFIX}${key}`;

/** The cache for one request: lookups, `cached()`, `refresh()` and `invalidate()`. */
export class CacheSession {
  #shared: SharedTier | undefined;

  constructor(
    private readonly cache: EdgeCache,
    private readonly createSharedTier: () => SharedTier,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
    private readonly requestId?: string,
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
  async lookup<T>(key: string, compute: () => Promise<T>, options: CacheOptions<T> | ResolvedOptions<T>): Promise<CacheResult<T>> {
    const resolved = resolveOptions(options);
    const started = performance.now();
    const now = Date.now();
    if (this.cache.pendingTags.size > 0) this.#flushPendingSoon();

    const remembered = this.cache.memory.get(key, now);
    if (remembered && resolved.validate(remembered.entry.value) && await this.#stillCurrent(remembered, now)) {
      return { ...this.#fromEntry<T>(remembered.entry, now, 'HIT', 'memory'), cacheMs: elapsedSince(started) };
    }
    if (this.cache.hasPending(resolved.tags)) {
      // Upstash may still hold pre-write data for these tags: this isolate wrote, so it must not
      // serve it. One computation per key, remembered here (memory lost those tags' old items).
      const epoch = this.cache.invalidationEpoch;
      return this.#coalesced(key, resolved, started, () => this.#computeWithoutShared(key, compute, resolved, undefined, epoch, elapsedSince(started), 'invalidation-pending'));
    }

    return this.#coalesced(key, resolved, started, (slot) => this.#lookupShared(key, compute, resolved, now, started, slot));
  }

  /** Recomputes and stores the value now, whatever is cached (a request's `Cache-Control: no-cache`). */
  async refresh<T>(key: string, compute: () => Promise<T>, options: CacheOptions<T> | ResolvedOptions<T>): Promise<CacheResult<T>> {
    const resolved = resolveOptions(options);
    const started = performance.now();
    return this.#coalesced(refreshKey(key), resolved, started, async (slot) => {
      const epoch = this.cache.invalidationEpoch;
      const read = await this.#read(key, resolved, Date.now(), slot);
      const cacheMs = elapsedSince(started);
      if (!read) return this.#computeWithoutShared(key, compute, resolved, undefined, epoch, cacheMs);
      const entry = this.#usableEntry(read.stored, read.tagStamp, resolved);
      return this.#computeAndStore(key, compute, resolved, read, read.leaseToken, entry, epoch, 'refresh', cacheMs);
    });
  }

  /**
   * Drops `tags` everywhere: this isolate's memory and in-flight lookups at once, then Upstash.
   * Call it after the write has committed, and await it before answering, so no later read
   * sees pre-write data. If Upstash cannot take it, this isolate bypasses the cache for those
   * tags and retries until it can; other isolates may serve the old entries meanwhile (at most
   * their ttl + swr).
   */
  async invalidate(tags: readonly string[]): Promise<void> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return;
    this.cache.dropLocally(unique);
    try {
      this.cache.log.note(await this.shared.invalidate(unique), unique);
    } catch (error) {
      this.cache.markPending(unique);
      this.cache.onEvent({ type: 'invalidation-failed', tags: unique, attempt: 1, error, requestId: this.requestId });
      this.waitUntil(this.#retryPendingInvalidations());
    } finally {
      // Lookups that started while Upstash was being told may have read pre-write data: forget them too.
      this.cache.dropLocally(unique);
    }
  }

  /** Confirms invalidations Upstash missed; called in the background after a failure and before shared reads. */
  async #flushPendingInvalidations(): Promise<boolean> {
    const tags = [...this.cache.pendingTags.keys()];
    if (tags.length === 0) return true;
    // Covers every attempt up to the latest one now pending; tags left pending after this call began stay.
    const upTo = Math.max(...this.cache.pendingTags.values());
    try {
      this.cache.log.note(await this.shared.invalidate(tags), tags);
      this.cache.confirmPending(tags, upTo);
      return true;
    } catch (error) {
      this.cache.onEvent({ type: 'invalidation-failed', tags, attempt: 0, error, requestId: this.requestId });
      return false;
    }
  }

  /** While invalidations are pending, traffic keeps retrying them in the background, at most once a second. */
  #flushPendingSoon(): void {
    const now = Date.now();
    if (now - this.cache.lastFlushAttempt < 1000) return;
    this.cache.lastFlushAttempt = now;
    this.waitUntil(this.#flushPendingInvalidations());
  }

  async #retryPendingInvalidations(): Promise<void> {
    for (const delay of [250, 1000, 4000, 15_000]) {
      await sleep(delay);
      if (await this.#flushPendingInvalidations()) return;
    }
  }

  /**
   * Whether a memory item may be served: nothing in the invalidation log touches its tags, and
   * the log was heard from within `memoryMaxStalenessMs` (this request asks for it otherwise,
   * unless another request already is). While another request's look is in flight, one timeout
   * more is allowed. While looks fail, one breaker cooldown more (one request per timeout keeps
   * trying): otherwise every memory hit would first wait out its own Upstash timeout, and a
   * backlog (Upstash slow, or this isolate) would turn cheap hits into half-second requests
   * that deepen it. Past that, memory answers only after Upstash was asked (`#answerWithoutShared`).
   */
  async #stillCurrent(item: MemoryItem, now: number): Promise<boolean> {
    const { log } = this.cache;
    const { memoryMaxStalenessMs, timeoutMs, breakerCooldownMs } = this.cache.settings;
    if (!log.isRecent(now, memoryMaxStalenessMs) && now - log.syncStartedAt >= timeoutMs) {
      log.syncStartedAt = now;
      try {
        log.apply(await this.shared.logTail(log.since(now)), Date.now());
      } catch (error) {
        log.failedAt = Date.now();
        this.#report(error, 'log');
      }
    }
    const slackMs = log.failing ? Math.max(timeoutMs, breakerCooldownMs) : timeoutMs;
    return log.isRecent(Date.now(), memoryMaxStalenessMs + slackMs) && log.isCurrent(item.tags, item.validAsOf);
  }

  /**
   * Runs `run` as the key's only computation in this isolate, or joins the one in flight (for a
   * plain lookup, a forced refresh of the key too: its value is the newest there is).
   */
  async #coalesced<T>(key: string, options: ResolvedOptions<T>, started: number, run: (slot: InFlight) => Promise<CacheResult<T>>): Promise<CacheResult<T>> {
    // A value outdated by an invalidation while it was computed: look again, once (a newer lookup may be in flight).
    for (let attempt = 0; attempt < 2; attempt++) {
      const slotKey = this.cache.inFlight.has(key) || key.startsWith(REFRESH_PREFIX) ? key : refreshKey(key);
      const pending = this.cache.inFlight.get(slotKey);
      // A lookup that began before an invalidation of its tags known here cannot answer a request that began after it.
      if (!pending || this.cache.log.changedSince(options.tags, pending.seq)) break;
      const joined = await this.#join<T>(slotKey, pending, options, started);
      if (joined !== 'outdated') return joined ?? this.#lead(key, run, options.tags);
    }
    return this.#lead(key, run, options.tags);
  }

  /**
   * Waits, on this request's own timers, for the lookup in flight, when its value may be
   * shared; gives up after `leaseMs` (the leader was canceled or is stuck) and lets the caller
   * compute, unless other lookups here keep finishing (MAX_JOIN_LEASES).
   */
  async #join<T>(key: string, pending: InFlight, options: ResolvedOptions<T>, started: number): Promise<CacheResult<T> | 'outdated' | undefined> {
    const { leaseMs } = this.cache.settings;
    let deadline = pending.startedAt + leaseMs;
    const giveUpAt = pending.startedAt + leaseMs * MAX_JOIN_LEASES;
    const joinedAt = Date.now();
    for (let delay = FIRST_JOIN_POLL_MS; !pending.settled; delay = nextJoinPollMs(delay, Date.now() - joinedAt)) {
      const now = Date.now();
      if (now >= deadline) {
        const originBusy = this.cache.lastSettledAt > now - leaseMs;
        if (originBusy && now < giveUpAt) {
          deadline = Math.min(now + leaseMs, giveUpAt);
          continue;
        }
        if (this.cache.inFlight.get(key) === pending) this.cache.inFlight.delete(key);
        return undefined;
      }
      await sleep(delay);
    }
    if ('error' in pending.settled) throw pending.settled.error;
    const shared = pending.settled.result as CacheResult<T>;
    // A failure is shared (one origin call per outage, not one per waiter); a value that may not
    // be stored (private, Set-Cookie, a 404) is not: this caller computes its own.
    if (!options.storable(shared.value) && !options.failed(shared.value)) return undefined;
    if (this.#contentChangedSince(shared.value, options, pending.seq)) return 'outdated';
    const outcome: CacheOutcome = shared.outcome === 'MISS' && !options.failed(shared.value) ? 'HIT' : shared.outcome;
    return { ...shared, outcome, detail: 'collapsed', stored: false, originMs: 0, cacheMs: elapsedSince(started) };
  }

  async #lead<T>(key: string, run: (slot: InFlight) => Promise<CacheResult<T>>, tags: readonly string[]): Promise<CacheResult<T>> {
    // Registered before the first await, so concurrent callers join instead of leading too.
    const slot: InFlight = { tags, startedAt: Date.now(), seq: this.cache.log.newest };
    this.cache.inFlight.set(key, slot);
    try {
      const result = await run(slot);
      slot.settled = { result };
      return result;
    } catch (error) {
      slot.settled = { error };
      throw error;
    } finally {
      this.cache.lastSettledAt = Date.now();
      if (this.cache.inFlight.get(key) === slot) this.cache.inFlight.delete(key);
    }
  }

  /**
   * Whether an invalidation this isolate knows of, after `seq`, touched the value's content tags.
   * Its other tags were checked when the caller joined: one invalidated since then was written
   * while the caller's request was under way, and a read concurrent with a write may answer
   * either side of it. Recomputing for every such write would chase a hot key's writes forever.
   */
  #contentChangedSince<T>(value: T, options: ResolvedOptions<T>, seq: number): boolean {
    const { log } = this.cache;
    if (!log.anyChangeSince(seq)) return false;
    const contentTags = this.#contentTagsOf(value, options);
    return !contentTags || log.changedSince(contentTags, seq);
  }

  /**
   * The shared read, or undefined when Upstash is unavailable (reported, never thrown). The log
   * tail it brings is applied first, so the entry is checked against every invalidation up to it.
   */
  async #read<T>(key: string, options: ResolvedOptions<T>, now: number, slot: InFlight): Promise<SharedRead | undefined> {
    const { log } = this.cache;
    try {
      const read = await this.shared.read(key, options.tags, now, this.cache.settings.leaseMs, log.since(now));
      log.apply(read.tail, Date.now());
      // What the slot's value will reflect: every invalidation up to this read.
      slot.seq = read.tail.seq;
      return read;
    } catch (error) {
      log.failedAt = Date.now();
      this.#report(error, 'read');
      return undefined;
    }
  }

  /**
   * The stored entry if it is one of ours, still valid for its tags (the stamp for its options'
   * tags, the log for its content tags), with a value of the expected shape.
   */
  #usableEntry<T>(stored: string, tagStamp: string, options: ResolvedOptions<T>): DecodedEntry<T> | undefined {
    const entry = this.#stampedEntry(stored, tagStamp, options);
    return entry && this.#currentContent(entry) ? entry : undefined;
  }

  /** No invalidation of the entry's content tags since it was read, known from the log or still pending here. */
  #currentContent(entry: DecodedEntry): boolean {
    return this.cache.log.isCurrent(entry.contentTags, entry.seq) && !this.cache.hasPending(entry.contentTags);
  }

  /** The stored entry if it is one of ours, stamped with its tags' current versions, with a value of the expected shape. */
  #stampedEntry<T>(stored: string, tagStamp: string, options: ResolvedOptions<T>): DecodedEntry<T> | undefined {
    const entry = decodeEntry(stored);
    // An entry stamped with other tag versions was invalidated: it is never served.
    if (!entry || entry.tagStamp !== tagStamp) return undefined;
    try {
      const value = decodeValue<unknown>(entry.payload);
      return options.validate(value) ? { ...entry, value } : undefined;
    } catch {
      return undefined;
    }
  }

  /** The fill lease, taken after the read when the log (not the script) showed the entry out of date. */
  async #acquireLease(key: string): Promise<string | undefined> {
    try {
      return await this.shared.acquireLease(key, this.cache.settings.leaseMs);
    } catch (error) {
      this.#report(error, 'lease');
      return undefined;
    }
  }

  async #lookupShared<T>(
    key: string, compute: () => Promise<T>, options: ResolvedOptions<T>, now: number, started: number, slot: InFlight,
  ): Promise<CacheResult<T>> {
    const epoch = this.cache.invalidationEpoch;
    const read = await this.#read(key, options, now, slot);
    if (!read) return this.#answerWithoutShared(key, compute, options, epoch, started);

    const stamped = this.#stampedEntry(read.stored, read.tagStamp, options);
    const entry = stamped && this.#currentContent(stamped) ? stamped : undefined;
    const freshness = entry && freshnessOf(entry, now);
    if (entry && freshness === 'fresh') {
      if (epoch === this.cache.invalidationEpoch) this.cache.memory.set(key, entry, options.tags, read.tail.seq, now);
      return { ...this.#fromEntry<T>(entry, now, 'HIT', 'redis'), cacheMs: elapsedSince(started) };
    }
    if (entry && freshness === 'stale') {
      if (read.leaseToken) this.waitUntil(this.#revalidate(key, compute, options, read, epoch));
      return { ...this.#fromEntry<T>(entry, now, 'STALE', 'stale-while-revalidate'), cacheMs: elapsedSince(started) };
    }

    let detail: CacheDetail = 'miss';
    let leaseToken = read.leaseToken;
    if (!leaseToken && this.cache.holdsLease(key, Date.now())) {
      // An earlier lookup here holds the lease, and its value is outdated for this caller: no fill worth waiting for.
      detail = 'no-fill';
    } else if (!leaseToken) {
      // The script saw a fresh entry, but a product on it changed since (the log says so): lease it now.
      if (stamped && !entry && freshnessOf(stamped, now) === 'fresh') leaseToken = await this.#acquireLease(key);
      // Otherwise another isolate is filling this key: wait for its value instead of querying too.
      const peer = leaseToken ? undefined : await this.#waitForFill(key, read.tagStamp, options);
      if (peer?.filled) return { ...this.#fromEntry<T>(peer.filled, Date.now(), 'HIT', 'filled-by-peer'), cacheMs: elapsedSince(started) };
      // Its computation failed: that failure answers here too (the origin was just asked), as in one isolate.
      if (peer?.failed) return { ...this.#fromEntry<T>(peer.failed, Date.now(), 'MISS', 'collapsed'), cacheMs: elapsedSince(started) };
      if (!leaseToken) detail = 'no-fill';
    }
    return this.#computeAndStore(key, compute, options, read, leaseToken, entry, epoch, detail, elapsedSince(started));
  }

  /** Computes; stores a good value; answers a failure with the stale entry when there is one (stale-if-error). */
  async #computeAndStore<T>(
    key: string, compute: () => Promise<T>, options: ResolvedOptions<T>, read: SharedRead, leaseToken: string | undefined,
    entry: DecodedEntry<T> | undefined, epoch: number, detail: CacheDetail, cacheMs: number,
  ): Promise<CacheResult<T>> {
    const now = Date.now();
    // Only a lease whose holder computes and fills counts as this isolate's (a revalidation through the app leaves its read's lease unused).
    if (leaseToken) this.cache.noteLease(key, leaseToken, now + this.cache.settings.leaseMs);
    const staleFallback = entry && now < entry.retainUntil ? entry : undefined;
    let computed: { value: T; originMs: number };
    try {
      computed = await this.#compute(compute);
    } catch (error) {
      this.#release(key, leaseToken);
      if (staleFallback) return { ...this.#fromEntry<T>(staleFallback, now, 'STALE', 'stale-if-error'), cacheMs };
      throw error;
    }
    if (options.failed(computed.value) && staleFallback) {
      this.#release(key, leaseToken);
      return { ...this.#fromEntry<T>(staleFallback, now, 'STALE', 'stale-if-error'), cacheMs, originMs: computed.originMs };
    }
    const stored = this.#store(key, computed.value, read, options, epoch, leaseToken);
    return this.#computedResult(computed, 'MISS', detail, stored, cacheMs);
  }

  /**
   * Upstash cannot be asked (failing, skipped by the open circuit, or too busy to answer in time):
   * what this isolate remembers answers, fresh (HIT), or past its freshness but within its
   * stale-if-error window (STALE, refreshed in the background once per key), so neither an outage
   * nor an overload sends requests to the database that memory can answer. Otherwise one
   * computation per key (the caller's slot), kept in memory.
   */
  async #answerWithoutShared<T>(
    key: string, compute: () => Promise<T>, options: ResolvedOptions<T>, epoch: number, started: number,
  ): Promise<CacheResult<T>> {
    const now = Date.now();
    const kept = this.cache.memory.retained(key, now);
    const entry = kept && options.validate(kept.value) ? (kept as DecodedEntry<T>) : undefined;
    if (entry && freshnessOf(entry, now) === 'fresh') return { ...this.#fromEntry<T>(entry, now, 'HIT', 'memory'), cacheMs: elapsedSince(started) };
    if (entry) {
      this.#refreshWithoutShared(key, compute, options, entry, epoch);
      return { ...this.#fromEntry<T>(entry, now, 'STALE', 'cache-unavailable'), cacheMs: elapsedSince(started) };
    }
    return this.#computeWithoutShared(key, compute, options, undefined, epoch, elapsedSince(started));
  }

  /** Refreshes a stale memory entry after the response, unless a refresh of the key is already under way here. */
  #refreshWithoutShared<T>(key: string, compute: () => Promise<T>, options: ResolvedOptions<T>, stale: DecodedEntry<T>, epoch: number): void {
    const refreshing = this.cache.refreshingWithoutShared;
    if (refreshing.has(key)) return;
    refreshing.add(key);
    const refresh = async () => {
      try {
        // An HTTP response is recomputed by replaying its request (this one's is already answered).
        if (options.revalidate) await options.revalidate();
        else await this.#computeWithoutShared(key, compute, options, stale, epoch, 0);
      } catch {
        // The stale entry keeps answering; a later request tries again.
      } finally {
        refreshing.delete(key);
      }
    };
    this.waitUntil(refresh());
  }

  /**
   * Computes with Upstash left out: it failed ('cache-unavailable', a BYPASS), or this isolate
   * does not trust its entries for tags whose invalidation it has not confirmed
   * ('invalidation-pending', a MISS remembered in memory like any other).
   */
  async #computeWithoutShared<T>(
    key: string, compute: () => Promise<T>, options: ResolvedOptions<T>, fallback: DecodedEntry<T> | undefined, epoch: number, cacheMs: number,
    detail: 'cache-unavailable' | 'invalidation-pending' = 'cache-unavailable',
  ): Promise<CacheResult<T>> {
    let computed: { value: T; originMs: number };
    try {
      computed = await this.#compute(compute);
    } catch (error) {
      if (fallback) return { ...this.#fromEntry<T>(fallback, Date.now(), 'STALE', 'stale-if-error'), cacheMs };
      throw error;
    }
    if (options.failed(computed.value) && fallback) {
      return { ...this.#fromEntry<T>(fallback, Date.now(), 'STALE', 'stale-if-error'), cacheMs, originMs: computed.originMs };
    }
    const contentTags = options.storable(computed.value) && !options.failed(computed.value) ? this.#contentTagsOf(computed.value, options) : undefined;
    if (contentTags && epoch === this.cache.invalidationEpoch) {
      // Memory only, and with no tag stamp: it is never written to Upstash. Current as of the last log heard.
      const { seq } = this.cache.log;
      this.cache.memory.set(key, this.#entryFor(computed.value, '', -1, contentTags, options, Date.now()), options.tags, seq, Date.now());
    }
    return this.#computedResult(computed, detail === 'cache-unavailable' ? 'BYPASS' : 'MISS', detail, false, cacheMs);
  }

  /**
   * Polls for another isolate's fill while its lease lives; stops early when the lease is gone,
   * or holds the failure its holder computed. Polls stay close together (at most
   * MAX_FILL_POLL_MS apart): a fill takes one query, and a waiter whose holder read before a
   * write only learns it must compute when the lease goes.
   */
  async #waitForFill<T>(key: string, tagStamp: string, options: ResolvedOptions<T>): Promise<{ filled?: DecodedEntry<T>; failed?: DecodedEntry<T> } | undefined> {
    const deadline = Date.now() + this.cache.settings.leaseMs;
    for (let delay = 2; Date.now() < deadline; delay = Math.min(delay * 2, MAX_FILL_POLL_MS)) {
      await sleep(delay);
      let peeked: { stored: string | null; leased: boolean; failure: string | null };
      try {
        peeked = await this.shared.peek(key);
      } catch (error) {
        this.#report(error, 'peek');
        return undefined;
      }
      const entry = this.#usableEntry(peeked.stored ?? '', tagStamp, options);
      if (entry && freshnessOf(entry, Date.now()) === 'fresh') return { filled: entry };
      const failed = peeked.failure === null ? undefined : this.#decodedFailure(peeked.failure, options);
      if (failed) return { failed };
      // The holder finished without storing (a failure, or nothing storable): no fill is coming.
      if (!peeked.leased) return undefined;
    }
    return undefined;
  }

  async #revalidate<T>(key: string, compute: () => Promise<T>, options: ResolvedOptions<T>, read: SharedRead, epoch: number): Promise<void> {
    try {
      if (options.revalidate) return await options.revalidate();
      const { value } = await this.#compute(compute);
      if (options.failed(value)) return this.#release(key, read.leaseToken);
      this.#store(key, value, read, options, epoch, read.leaseToken);
    } catch {
      // The stale value keeps being served; the lease expires and a later request retries.
    }
  }

  async #compute<T>(compute: () => Promise<T>): Promise<{ value: T; originMs: number }> {
    const started = performance.now();
    const value = await compute();
    return { value, originMs: elapsedSince(started) };
  }

  /**
   * Writes in the background (the caller already has the value) and fills the memory tier. The
   * value is current as of the read's log position; Upstash refuses it if a content tag was
   * invalidated since, and memory then forgets it too.
   */
  #store<T>(key: string, value: T, read: SharedRead, options: ResolvedOptions<T>, epoch: number, leaseToken: string | undefined): boolean {
    if (options.failed(value)) {
      this.#shareFailure(key, value, options, leaseToken);
      return false;
    }
    const contentTags = options.storable(value) ? this.#contentTagsOf(value, options) : undefined;
    if (!contentTags) {
      this.#release(key, leaseToken);
      return false;
    }
    const now = Date.now();
    const seq = read.tail.seq;
    const entry = this.#entryFor(value, read.tagStamp, seq, contentTags, options, now);
    if (epoch === this.cache.invalidationEpoch) this.cache.memory.set(key, entry, options.tags, seq, now);
    if (leaseToken) this.cache.dropLease(key, leaseToken);
    this.waitUntil(this.shared.write(key, encodeEntry(entry), entry.retainUntil - now, leaseToken, seq, contentTags)
      .then((stored) => { if (!stored) this.cache.memory.forget(key, entry); })
      .catch((error: unknown) => this.#report(error, 'write')));
    return true;
  }

  /** The value's content tags; undefined (not storable) if they cannot be read: an entry without them could go stale unseen. */
  #contentTagsOf<T>(value: T, options: ResolvedOptions<T>): readonly string[] | undefined {
    try {
      const tags = options.contentTags(value);
      return tags.every((tag) => tag !== '' && !/\s/.test(tag)) ? tags : undefined;
    } catch {
      return undefined;
    }
  }

  #entryFor<T>(value: T, tagStamp: string, seq: number, contentTags: readonly string[], options: ResolvedOptions<T>, now: number): DecodedEntry<T> {
    return {
      storedAt: now,
      freshUntil: now + options.ttlMs,
      staleUntil: now + options.ttlMs + options.swrMs,
      retainUntil: now + options.ttlMs + Math.max(options.swrMs, options.staleIfErrorMs),
      tagStamp,
      seq,
      contentTags,
      payload: encodeValue(value),
      value,
    };
  }

  /**
   * Lets waiters in other isolates stop waiting at once, with this failure as their answer: a
   * waiter that computed itself instead would ask a failing origin again, and with it wait out a
   * second origin timeout after waiting for this one. Kept FAILURE_SHARED_MS at most (never past
   * the lease); later requests ask the origin again.
   */
  #shareFailure<T>(key: string, value: T, options: ResolvedOptions<T>, leaseToken: string | undefined): void {
    if (!leaseToken) return;
    this.cache.dropLease(key, leaseToken);
    const failure = encodeEntry(this.#entryFor(value, '', -1, [], options, Date.now()));
    this.waitUntil(this.shared.shareFailure(key, leaseToken, failure, FAILURE_SHARED_MS).catch((error: unknown) => this.#report(error, 'release')));
  }

  /** A failure another isolate shared, if it is one of ours with a value of the expected shape. */
  #decodedFailure<T>(stored: string, options: ResolvedOptions<T>): DecodedEntry<T> | undefined {
    const entry = decodeEntry(stored);
    if (!entry) return undefined;
    try {
      const value = decodeValue<unknown>(entry.payload);
      return options.validate(value) && options.failed(value) ? { ...entry, value } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Lets waiters in other isolates stop waiting at once. */
  #release(key: string, leaseToken: string | undefined): void {
    if (!leaseToken) return;
    this.cache.dropLease(key, leaseToken);
    this.waitUntil(this.shared.releaseLease(key, leaseToken).catch((error: unknown) => this.#report(error, 'release')));
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
    // Calls skipped by the open circuit are not news: the failures that opened it were reported.
    if (error instanceof CacheUnavailableError && error.skipped) return;
    this.cache.onEvent({ type: 'cache-unavailable', operation, error, requestId: this.requestId });
  }
}
