import { encodeEntry, freshnessOf } from './cache-entry';
import type { CacheEvent } from './cache-events';
import type { ResolvedOptions } from './cache-options';
import { type CacheDetail, type CacheOutcome, type CacheResult, computedResult, resultFromEntry } from './cache-result';
import type { EdgeCache, InFlight } from './edge-cache';
import { decodedFailure, entryFor, stampedEntry } from './entry-value';
import type { DecodedEntry, MemoryItem } from './memory-tier';
import { CacheUnavailableError, type SharedRead, type SharedStore } from './shared-tier';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsedSince = (started: number) => performance.now() - started;

/** In-flight key of a forced refresh: concurrent refreshes share one computation, but never a plain lookup's. */
const REFRESH_PREFIX = '\u0000refresh:';
const refreshKey = (key: string) => `${REFRESH_PREFIX}${key}`;

/** The per-request pieces a session works with. */
export interface CacheScope {
  /** Keeps background work (writes, revalidation, retries) alive after the response: the request's `ctx.waitUntil`. */
  waitUntil(promise: Promise<unknown>): void;
  /** Carried by every event this request reports. */
  requestId?: string;
}

/** One lookup's inputs, passed along instead of long argument lists. */
interface Lookup<T> {
  key: string;
  compute: () => Promise<T>;
  options: ResolvedOptions<T>;
  /** `performance.now()` when the lookup began: `cacheMs` counts from it. */
  started: number;
  /** The isolate's invalidation epoch when the lookup began: a value read before a local invalidation may not fill memory. */
  epoch: number;
}

/** What a shared read left this lookup to fill with: the read, the lease (when this caller holds it), the entry to fall back on. */
interface Fill<T> {
  read: SharedRead;
  leaseToken: string | undefined;
  entry: DecodedEntry<T> | undefined;
}

/** The cache for one request: `lookup()`, `refresh()` and `invalidate()`, on its isolate's `EdgeCache`. */
export class CacheSession {
  #shared: SharedStore | undefined;

  /** `sharedStore` makes the Upstash tier, called on first use: memory hits never build one. */
  constructor(
    private readonly cache: EdgeCache,
    private readonly sharedStore: () => SharedStore,
    private readonly scope: CacheScope,
  ) {}

  private get shared(): SharedStore {
    this.#shared ??= this.sharedStore();
    return this.#shared;
  }

  /** The value for `key`: from memory, Upstash, or `compute`, at most one compute per key at a time. */
  async lookup<T>(key: string, compute: () => Promise<T>, options: ResolvedOptions<T>): Promise<CacheResult<T>> {
    const lookup: Lookup<T> = { key, compute, options, started: performance.now(), epoch: this.cache.epoch };
    const now = Date.now();
    this.#retryPendingSoon(now);

    const remembered = this.cache.memory.get(key, now);
    if (remembered && options.validate(remembered.entry.value) && (await this.#stillCurrent(remembered, now))) {
      return { ...resultFromEntry<T>(remembered.entry, now, 'HIT', 'memory'), cacheMs: elapsedSince(lookup.started) };
    }
    if (this.cache.hasPending(options.tags)) {
      // Upstash may still hold pre-write data for these tags: this isolate wrote, so it must not
      // serve it. One computation per key, remembered here (memory lost those tags' old items).
      const pending = { ...lookup, epoch: this.cache.epoch };
      return this.#coalesced(lookup, () =>
        this.#computeWithoutShared(pending, undefined, elapsedSince(lookup.started), 'invalidation-pending'),
      );
    }
    return this.#coalesced(lookup, (slot) => this.#lookupShared({ ...lookup, epoch: this.cache.epoch }, now, slot));
  }

  /** Recomputes and stores the value now, whatever is cached (a request's `Cache-Control: no-cache`). */
  async refresh<T>(key: string, compute: () => Promise<T>, options: ResolvedOptions<T>): Promise<CacheResult<T>> {
    const lookup: Lookup<T> = { key, compute, options, started: performance.now(), epoch: this.cache.epoch };
    return this.#coalesced({ ...lookup, key: refreshKey(key) }, async (slot) => {
      const refreshing = { ...lookup, epoch: this.cache.epoch };
      const read = await this.#read(refreshing, Date.now(), slot);
      const cacheMs = elapsedSince(lookup.started);
      if (!read) return this.#computeWithoutShared(refreshing, undefined, cacheMs);
      const entry = this.#usableEntry(read.stored, read.tagStamp, refreshing);
      return this.#computeAndStore(refreshing, { read, leaseToken: read.leaseToken, entry }, 'refresh', cacheMs);
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
      this.#event({ type: 'invalidation-failed', tags: unique, attempt: 1, error });
      this.scope.waitUntil(this.#retryPendingInvalidations());
    } finally {
      // Lookups that started while Upstash was being told may have read pre-write data: forget them too.
      this.cache.dropLocally(unique);
    }
  }

  /** Confirms invalidations Upstash missed; called in the background after a failure and before shared reads. */
  async #flushPendingInvalidations(): Promise<boolean> {
    // Covers every attempt up to the latest one now pending; tags left pending after this call began stay.
    const pending = this.cache.pendingInvalidation();
    if (!pending) return true;
    try {
      this.cache.log.note(await this.shared.invalidate(pending.tags), pending.tags);
      this.cache.confirmPending(pending.tags, pending.upTo);
      return true;
    } catch (error) {
      this.#event({ type: 'invalidation-failed', tags: pending.tags, attempt: 0, error });
      return false;
    }
  }

  /** While invalidations are pending, traffic keeps retrying them in the background (at most once per `pendingRetryIntervalMs`). */
  #retryPendingSoon(now: number): void {
    if (this.cache.claimPendingRetry(now)) this.scope.waitUntil(this.#flushPendingInvalidations());
  }

  async #retryPendingInvalidations(): Promise<void> {
    for (const delay of this.cache.settings.invalidationRetryDelaysMs) {
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
    if (log.claimSync(now, memoryMaxStalenessMs, timeoutMs)) {
      try {
        log.apply(await this.shared.logTail(log.since(now)), Date.now());
      } catch (error) {
        log.noteFailure(Date.now());
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
  async #coalesced<T>(lookup: Lookup<T>, run: (slot: InFlight) => Promise<CacheResult<T>>): Promise<CacheResult<T>> {
    const { key, options } = lookup;
    // A value outdated by an invalidation while it was computed, or a leader given up on: look again, once (a
    // newer lookup may be in flight: after a stall, every joiner of a key gives up at once, and the first to lead
    // must not be followed by one computation per joiner, all sent to the database when it is busiest).
    for (let attempt = 0; attempt < 2; attempt++) {
      const slotKey = this.cache.inFlight(key) || key.startsWith(REFRESH_PREFIX) ? key : refreshKey(key);
      const pending = this.cache.inFlight(slotKey);
      // A lookup that began before an invalidation of its tags known here cannot answer a request that began after it.
      if (!pending || this.cache.log.changedSince(options.tags, pending.seq)) break;
      const joined = await this.#join(slotKey, pending, lookup);
      if (joined === 'outdated' || joined === 'gave-up') continue;
      return joined ?? this.#lead(key, run, options.tags);
    }
    return this.#lead(key, run, options.tags);
  }

  /**
   * Waits, on this request's own timers, for the lookup in flight, when its value may be
   * shared; gives up after `leaseMs` (the leader was canceled or is stuck: 'gave-up', and the caller
   * looks for a newer lookup, else computes), unless other lookups here keep finishing (`maxJoinLeases`).
   */
  async #join<T>(
    slotKey: string,
    pending: InFlight,
    lookup: Lookup<T>,
  ): Promise<CacheResult<T> | 'outdated' | 'gave-up' | undefined> {
    const { leaseMs, maxJoinLeases, joinFirstPollMs, joinMaxPollMs } = this.cache.settings;
    const { options } = lookup;
    let deadline = pending.startedAt + leaseMs;
    const giveUpAt = pending.startedAt + leaseMs * maxJoinLeases;
    const joinedAt = Date.now();
    // Pauses double, then grow to an eighth of the time waited so far (see `joinFirstPollMs`).
    const nextPollMs = (delay: number) =>
      Math.min(joinMaxPollMs, Math.max(Math.min(delay * 2, 2 * joinFirstPollMs), (Date.now() - joinedAt) / 8));
    for (let delay = joinFirstPollMs; !pending.settled; delay = nextPollMs(delay)) {
      const now = Date.now();
      if (now >= deadline) {
        if (this.cache.settledRecently(now, leaseMs) && now < giveUpAt) {
          deadline = Math.min(now + leaseMs, giveUpAt);
          continue;
        }
        this.cache.abandonLookup(slotKey, pending);
        return 'gave-up';
      }
      await sleep(delay);
    }
    if ('error' in pending.settled) throw pending.settled.error;
    const shared = pending.settled.result as CacheResult<T>;
    // A failure is shared (one origin call per outage, not one per waiter); a value that may not
    // be stored (private, Set-Cookie, a 404) is not: this caller computes its own.
    if (!options.storable(shared.value) && !options.failed(shared.value)) return undefined;
    if (this.#contentChangedSince(shared.value, lookup, pending.seq)) return 'outdated';
    const outcome: CacheOutcome = shared.outcome === 'MISS' && !options.failed(shared.value) ? 'HIT' : shared.outcome;
    return {
      ...shared,
      outcome,
      detail: 'collapsed',
      stored: false,
      originMs: 0,
      cacheMs: elapsedSince(lookup.started),
    };
  }

  async #lead<T>(
    key: string,
    run: (slot: InFlight) => Promise<CacheResult<T>>,
    tags: readonly string[],
  ): Promise<CacheResult<T>> {
    // Registered before the first await, so concurrent callers join instead of leading too.
    const slot = this.cache.startLookup(key, tags);
    try {
      const result = await run(slot);
      slot.settled = { result };
      return result;
    } catch (error) {
      slot.settled = { error };
      throw error;
    } finally {
      this.cache.settleLookup(key, slot);
    }
  }

  /**
   * Whether an invalidation this isolate knows of, after `seq`, touched the value's content tags.
   * Its other tags were checked when the caller joined: one invalidated since then was written
   * while the caller's request was under way, and a read concurrent with a write may answer
   * either side of it. Recomputing for every such write would chase a hot key's writes forever.
   */
  #contentChangedSince<T>(value: T, lookup: Lookup<T>, seq: number): boolean {
    const { log } = this.cache;
    if (!log.anyChangeSince(seq)) return false;
    const contentTags = this.#contentTagsOf(value, lookup);
    return !contentTags || log.changedSince(contentTags, seq);
  }

  /**
   * The shared read, or undefined when Upstash is unavailable (reported, never thrown). The log
   * tail it brings is applied first, so the entry is checked against every invalidation up to it.
   */
  async #read<T>(lookup: Lookup<T>, now: number, slot: InFlight): Promise<SharedRead | undefined> {
    const { log } = this.cache;
    try {
      const read = await this.shared.read(
        lookup.key,
        lookup.options.tags,
        now,
        this.cache.settings.leaseMs,
        log.since(now),
      );
      log.apply(read.tail, Date.now());
      // What the slot's value will reflect: every invalidation up to this read.
      slot.seq = read.tail.seq;
      return read;
    } catch (error) {
      log.noteFailure(Date.now());
      this.#report(error, 'read');
      return undefined;
    }
  }

  /**
   * The stored entry if it is one of ours, still valid for its tags (the stamp for its options'
   * tags, the log for its content tags), with a value of the expected shape.
   */
  #usableEntry<T>(stored: string, tagStamp: string, lookup: Lookup<T>): DecodedEntry<T> | undefined {
    const entry = stampedEntry(stored, tagStamp, lookup.options);
    return entry && this.#currentContent(entry) ? entry : undefined;
  }

  /** No invalidation of the entry's content tags since it was read, known from the log or still pending here. */
  #currentContent(entry: DecodedEntry): boolean {
    return this.cache.log.isCurrent(entry.contentTags, entry.seq) && !this.cache.hasPending(entry.contentTags);
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

  async #lookupShared<T>(lookup: Lookup<T>, now: number, slot: InFlight): Promise<CacheResult<T>> {
    const { key, options, started } = lookup;
    const read = await this.#read(lookup, now, slot);
    if (!read) return this.#answerWithoutShared(lookup);

    const stamped = stampedEntry(read.stored, read.tagStamp, options);
    const entry = stamped && this.#currentContent(stamped) ? stamped : undefined;
    const freshness = entry && freshnessOf(entry, now);
    if (entry && freshness === 'fresh') {
      if (lookup.epoch === this.cache.epoch) this.cache.memory.set(key, entry, options.tags, read.tail.seq, now);
      return { ...resultFromEntry<T>(entry, now, 'HIT', 'redis'), cacheMs: elapsedSince(started) };
    }
    if (entry && freshness === 'stale') {
      if (read.leaseToken) this.scope.waitUntil(this.#revalidate(lookup, read));
      return { ...resultFromEntry<T>(entry, now, 'STALE', 'stale-while-revalidate'), cacheMs: elapsedSince(started) };
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
      const peer = leaseToken ? undefined : await this.#waitForFill(lookup, read.tagStamp);
      if (peer?.filled)
        return {
          ...resultFromEntry<T>(peer.filled, Date.now(), 'HIT', 'filled-by-peer'),
          cacheMs: elapsedSince(started),
        };
      // Its computation failed: that failure answers here too (the origin was just asked), as in one isolate.
      if (peer?.failed)
        return { ...resultFromEntry<T>(peer.failed, Date.now(), 'MISS', 'collapsed'), cacheMs: elapsedSince(started) };
      if (!leaseToken) detail = 'no-fill';
    }
    return this.#computeAndStore(lookup, { read, leaseToken, entry }, detail, elapsedSince(started));
  }

  /** Computes; stores a good value; answers a failure with the stale entry when there is one (stale-if-error). */
  async #computeAndStore<T>(
    lookup: Lookup<T>,
    fill: Fill<T>,
    detail: CacheDetail,
    cacheMs: number,
  ): Promise<CacheResult<T>> {
    const { key, options } = lookup;
    const { leaseToken, entry } = fill;
    const now = Date.now();
    // Only a lease whose holder computes and fills counts as this isolate's (a revalidation through the app leaves its read's lease unused).
    if (leaseToken) this.cache.noteLease(key, leaseToken, now + this.cache.settings.leaseMs);
    const staleFallback = entry && now < entry.retainUntil ? entry : undefined;
    let computed: { value: T; originMs: number };
    try {
      computed = await this.#compute(lookup.compute);
    } catch (error) {
      this.#release(key, leaseToken);
      if (staleFallback) return { ...resultFromEntry<T>(staleFallback, now, 'STALE', 'stale-if-error'), cacheMs };
      throw error;
    }
    if (options.failed(computed.value) && staleFallback) {
      this.#release(key, leaseToken);
      return {
        ...resultFromEntry<T>(staleFallback, now, 'STALE', 'stale-if-error'),
        cacheMs,
        originMs: computed.originMs,
      };
    }
    const stored = this.#store(lookup, computed.value, fill.read, leaseToken);
    return computedResult(computed, 'MISS', detail, stored, cacheMs);
  }

  /**
   * Upstash cannot be asked (failing, skipped by the open circuit, or too busy to answer in time):
   * what this isolate remembers answers, fresh (HIT), or past its freshness but within its
   * stale-if-error window (STALE, refreshed in the background once per key), so neither an outage
   * nor an overload sends requests to the database that memory can answer. Otherwise one
   * computation per key (the caller's slot), kept in memory.
   */
  async #answerWithoutShared<T>(lookup: Lookup<T>): Promise<CacheResult<T>> {
    const { key, options, started } = lookup;
    const now = Date.now();
    const kept = this.cache.memory.retained(key, now);
    const entry = kept && options.validate(kept.value) ? (kept as DecodedEntry<T>) : undefined;
    if (entry && freshnessOf(entry, now) === 'fresh')
      return { ...resultFromEntry<T>(entry, now, 'HIT', 'memory'), cacheMs: elapsedSince(started) };
    if (entry) {
      this.#refreshWithoutShared(lookup, entry);
      return { ...resultFromEntry<T>(entry, now, 'STALE', 'cache-unavailable'), cacheMs: elapsedSince(started) };
    }
    return this.#computeWithoutShared(lookup, undefined, elapsedSince(started));
  }

  /** Refreshes a stale memory entry after the response, unless a refresh of the key is already under way here. */
  #refreshWithoutShared<T>(lookup: Lookup<T>, stale: DecodedEntry<T>): void {
    const { key, options } = lookup;
    if (!this.cache.claimRefresh(key)) return;
    const refresh = async () => {
      try {
        // An HTTP response is recomputed by replaying its request (this one's is already answered).
        if (options.revalidate) await options.revalidate();
        else await this.#computeWithoutShared(lookup, stale, 0);
      } catch (error) {
        // The stale entry keeps answering; a later request tries again.
        this.#event({ type: 'revalidation-failed', key, error });
      } finally {
        this.cache.endRefresh(key);
      }
    };
    this.scope.waitUntil(refresh());
  }

  /**
   * Computes with Upstash left out: it failed ('cache-unavailable', a BYPASS), or this isolate
   * does not trust its entries for tags whose invalidation it has not confirmed
   * ('invalidation-pending', a MISS remembered in memory like any other).
   */
  async #computeWithoutShared<T>(
    lookup: Lookup<T>,
    fallback: DecodedEntry<T> | undefined,
    cacheMs: number,
    detail: 'cache-unavailable' | 'invalidation-pending' = 'cache-unavailable',
  ): Promise<CacheResult<T>> {
    const { key, options } = lookup;
    let computed: { value: T; originMs: number };
    try {
      computed = await this.#compute(lookup.compute);
    } catch (error) {
      if (fallback) return { ...resultFromEntry<T>(fallback, Date.now(), 'STALE', 'stale-if-error'), cacheMs };
      throw error;
    }
    if (options.failed(computed.value) && fallback) {
      return {
        ...resultFromEntry<T>(fallback, Date.now(), 'STALE', 'stale-if-error'),
        cacheMs,
        originMs: computed.originMs,
      };
    }
    const contentTags =
      options.storable(computed.value) && !options.failed(computed.value)
        ? this.#contentTagsOf(computed.value, lookup)
        : undefined;
    const entry =
      contentTags && lookup.epoch === this.cache.epoch && this.#entryFor(lookup, computed.value, '', -1, contentTags);
    // Memory only, and with no tag stamp: it is never written to Upstash. Current as of the last log heard.
    if (entry) this.cache.memory.set(key, entry, options.tags, this.cache.log.seq, Date.now());
    return computedResult(computed, detail === 'cache-unavailable' ? 'BYPASS' : 'MISS', detail, false, cacheMs);
  }

  /**
   * Polls for another isolate's fill while its lease lives; stops early when the lease is gone,
   * or holds the failure its holder computed. Polls stay close together (at most
   * `fillMaxPollMs` apart): a fill takes one query, and a waiter whose holder read before a
   * write only learns it must compute when the lease goes.
   */
  async #waitForFill<T>(
    lookup: Lookup<T>,
    tagStamp: string,
  ): Promise<{ filled?: DecodedEntry<T>; failed?: DecodedEntry<T> } | undefined> {
    const { leaseMs, fillFirstPollMs, fillMaxPollMs } = this.cache.settings;
    const deadline = Date.now() + leaseMs;
    for (let delay = fillFirstPollMs; Date.now() < deadline; delay = Math.min(delay * 2, fillMaxPollMs)) {
      await sleep(delay);
      let peeked: { stored: string | null; leased: boolean; failure: string | null };
      try {
        peeked = await this.shared.peek(lookup.key);
      } catch (error) {
        this.#report(error, 'peek');
        return undefined;
      }
      const entry = this.#usableEntry(peeked.stored ?? '', tagStamp, lookup);
      if (entry && freshnessOf(entry, Date.now()) === 'fresh') return { filled: entry };
      const failed = peeked.failure === null ? undefined : decodedFailure(peeked.failure, lookup.options);
      if (failed) return { failed };
      // The holder finished without storing (a failure, or nothing storable): no fill is coming.
      if (!peeked.leased) return undefined;
    }
    return undefined;
  }

  /** Refreshes a stale entry in the background; a failure is reported, and the stale value keeps answering until the lease expires and a later request retries. */
  async #revalidate<T>(lookup: Lookup<T>, read: SharedRead): Promise<void> {
    try {
      if (lookup.options.revalidate) return await lookup.options.revalidate();
      const { value } = await this.#compute(lookup.compute);
      if (lookup.options.failed(value)) return this.#release(lookup.key, read.leaseToken);
      this.#store(lookup, value, read, read.leaseToken);
    } catch (error) {
      this.#event({ type: 'revalidation-failed', key: lookup.key, error });
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
  #store<T>(lookup: Lookup<T>, value: T, read: SharedRead, leaseToken: string | undefined): boolean {
    const { key, options } = lookup;
    if (options.failed(value)) {
      this.#shareFailure(lookup, value, leaseToken);
      return false;
    }
    const contentTags = options.storable(value) ? this.#contentTagsOf(value, lookup) : undefined;
    if (!contentTags) {
      this.#release(key, leaseToken);
      return false;
    }
    const now = Date.now();
    const seq = read.tail.seq;
    const entry = this.#entryFor(lookup, value, read.tagStamp, seq, contentTags, now);
    if (!entry) {
      this.#release(key, leaseToken);
      return false;
    }
    if (lookup.epoch === this.cache.epoch) this.cache.memory.set(key, entry, options.tags, seq, now);
    if (leaseToken) this.cache.dropLease(key, leaseToken);
    this.scope.waitUntil(
      this.shared
        .write(key, encodeEntry(entry), entry.retainUntil - now, leaseToken, seq, contentTags)
        .then((stored) => {
          if (!stored) this.cache.memory.forget(key, entry);
        })
        .catch((error: unknown) => this.#report(error, 'write')),
    );
    return true;
  }

  /** The entry for a computed value, or undefined (reported; not stored) when the value is not JSON (a BigInt, a cycle). */
  #entryFor<T>(
    lookup: Lookup<T>,
    value: T,
    tagStamp: string,
    seq: number,
    contentTags: readonly string[],
    now = Date.now(),
  ): DecodedEntry<T> | undefined {
    try {
      return entryFor(value, tagStamp, seq, contentTags, lookup.options, now);
    } catch (error) {
      this.#event({ type: 'value-not-storable', key: lookup.key, error });
      return undefined;
    }
  }

  /**
   * The value's content tags; undefined (not storable) if they cannot be read: an entry without
   * them could go stale unseen. A function that throws is reported.
   */
  #contentTagsOf<T>(value: T, lookup: Lookup<T>): readonly string[] | undefined {
    try {
      const tags = lookup.options.contentTags(value);
      return tags.every((tag) => tag !== '' && !/\s/.test(tag)) ? tags : undefined;
    } catch (error) {
      this.#event({ type: 'content-tags-failed', key: lookup.key, error });
      return undefined;
    }
  }

  /**
   * Lets waiters in other isolates stop waiting at once, with this failure as their answer: a
   * waiter that computed itself instead would ask a failing origin again, and with it wait out a
   * second origin timeout after waiting for this one. Kept `failureSharedMs` at most (never past
   * the lease); later requests ask the origin again.
   */
  #shareFailure<T>(lookup: Lookup<T>, value: T, leaseToken: string | undefined): void {
    if (!leaseToken) return;
    const { key } = lookup;
    const entry = this.#entryFor(lookup, value, '', -1, []);
    if (!entry) return this.#release(key, leaseToken);
    this.cache.dropLease(key, leaseToken);
    const failure = encodeEntry(entry);
    this.scope.waitUntil(
      this.shared
        .shareFailure(key, leaseToken, failure, this.cache.settings.failureSharedMs)
        .catch((error: unknown) => this.#report(error, 'release')),
    );
  }

  /** Lets waiters in other isolates stop waiting at once. */
  #release(key: string, leaseToken: string | undefined): void {
    if (!leaseToken) return;
    this.cache.dropLease(key, leaseToken);
    this.scope.waitUntil(
      this.shared.releaseLease(key, leaseToken).catch((error: unknown) => this.#report(error, 'release')),
    );
  }

  /** An Upstash call failed: reported as `cache-unavailable`, unless the open circuit skipped it (the failures that opened it were reported). */
  #report(error: unknown, operation: string): void {
    if (error instanceof CacheUnavailableError && error.skipped) return;
    this.#event({ type: 'cache-unavailable', operation, error });
  }

  #event(event: CacheEvent): void {
    this.cache.onEvent({ ...event, requestId: this.scope.requestId });
  }
}
