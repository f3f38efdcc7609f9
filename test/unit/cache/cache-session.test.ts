import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../../src/cache/cache-entry';
import type { CacheEvent } from '../../../src/cache/cache-events';
import { resolveOptions } from '../../../src/cache/cache-options';
import { CacheSession } from '../../../src/cache/cache-session';
import { type EdgeCacheSettings, edgeCacheSettingsFrom } from '../../../src/cache/cache-settings';
import { EdgeCache } from '../../../src/cache/edge-cache';
import type { LogTail } from '../../../src/cache/invalidation-log';
import type { SharedRead, SharedStore } from '../../../src/cache/shared-tier';

/**
 * An in-memory stand-in for the Upstash tier (entries, tag versions, the invalidation log) whose
 * invalidations can be held open, to order races exactly.
 */
class FakeSharedTier implements SharedStore {
  entries = new Map<string, string>();
  versions = new Map<string, string>();
  log: Array<{ seq: number; tags: readonly string[] }> = [];
  seq = 0;
  heldInvalidation: (() => void) | undefined;
  failInvalidations = false;
  invalidations = 0;

  stamp(tags: readonly string[]): string {
    return tags.map((tag) => this.versions.get(tag) ?? '0').join(',');
  }

  /** When set, every look at the log (a sync or a read) fails, as when Upstash times out. */
  failLooks = false;
  looks = 0;

  async logTail(since: number): Promise<LogTail> {
    this.looks++;
    if (this.failLooks) throw new Error('Upstash timed out');
    const records = this.log
      .filter((record) => record.seq > since)
      .map((record) => [record.seq, ...record.tags].join(' '));
    return { seq: this.seq, since, gap: false, records };
  }

  /** When set, one lease per key at a time, as the read script grants them. */
  exclusiveLeases = false;
  leased = new Set<string>();
  peeks = 0;

  async read(key: string, tags: readonly string[], _now: number, _leaseMs: number, since: number): Promise<SharedRead> {
    const granted = !this.exclusiveLeases || !this.leased.has(key);
    if (granted) this.leased.add(key);
    return {
      stored: this.entries.get(key) ?? '',
      tagStamp: this.stamp(tags),
      leaseToken: granted ? 'token' : undefined,
      tail: await this.logTail(since),
    };
  }

  async acquireLease(): Promise<string> {
    return 'token';
  }

  async peek(key: string) {
    this.peeks++;
    return {
      stored: this.entries.get(key) ?? null,
      leased: this.leased.has(key),
      failure: this.failures.get(key) ?? null,
    };
  }

  async write(
    key: string,
    stored: string,
    _retainMs: number,
    _leaseToken: string | undefined,
    seq: number,
    contentTags: readonly string[],
  ): Promise<boolean> {
    this.leased.delete(key);
    if (this.log.some((record) => record.seq > seq && record.tags.some((tag) => contentTags.includes(tag))))
      return false;
    this.entries.set(key, stored);
    return true;
  }

  released: string[] = [];

  async releaseLease(key: string): Promise<void> {
    this.released.push(key);
  }

  /** Failures handed to waiters, by key, as the lease holds them. */
  failures = new Map<string, string>();

  async shareFailure(key: string, _leaseToken: string, failure: string): Promise<void> {
    this.failures.set(key, failure);
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    this.invalidations++;
    if (this.failInvalidations) throw new Error('Upstash down');
    await new Promise<void>((resolve) => {
      this.heldInvalidation = resolve;
      if (!this.holdNext) resolve();
    });
    for (const tag of tags) this.versions.set(tag, `v${this.invalidations}`);
    this.log.push({ seq: ++this.seq, tags });
    return this.seq;
  }

  holdNext = false;
}

function setup(settings: Partial<EdgeCacheSettings> = {}) {
  const shared = new FakeSharedTier();
  const cache = new EdgeCache({ memoryMaxStalenessMs: 60_000, ...settings });
  const background: Promise<unknown>[] = [];
  const session = () => new CacheSession(cache, () => shared, { waitUntil: (p) => background.push(p) });
  return { shared, cache, session, settle: () => Promise.all(background) };
}

/** A slow computation of `value` that counts its calls, for checking that callers share one. */
function countedCompute<T>(value: T, delayMs = 5) {
  const counted = {
    calls: 0,
    compute: async (): Promise<T> => {
      counted.calls++;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return value;
    },
  };
  return counted;
}

const options = resolveOptions({ ttl: '60s', tags: ['product:1'] });

/** `value` cached under 'k' (memory and the fake Upstash), then every Upstash read failing. */
async function withCachedThenUpstashDown(value: string) {
  const context = setup();
  await context.session().lookup('k', async () => value, options);
  await context.settle();
  context.shared.read = async () => {
    throw new Error('Upstash down');
  };
  return context;
}

describe('CacheSession', () => {
  it('never lets the writing isolate serve pre-write data read while its invalidation was in flight', async () => {
    const { shared, session, settle } = setup();
    let origin = 'old';
    await session().lookup('k', async () => origin, options);
    await settle();

    // The write commits; its invalidation is held open at Upstash.
    origin = 'new';
    shared.holdNext = true;
    const invalidating = session().invalidate(['product:1']);
    // A read lands before Upstash applies it: it sees the old entry as fresh and valid.
    const during = await session().lookup('k', async () => origin, options);
    expect(during.value).toBe('old');
    shared.heldInvalidation!();
    await invalidating;

    // After the write's response: the old value must not come back from memory (or anywhere).
    const after = await session().lookup('k', async () => origin, options);
    expect(after.value).toBe('new');
  });

  it('distrusts Upstash for tags whose invalidation it did not take, computing each key once meanwhile', async () => {
    // Retries of the pending invalidation on every request, so the one after Upstash is back confirms it.
    const { shared, cache, session, settle } = setup({ pendingRetryIntervalMs: 0 });
    await session().lookup('k', async () => 'old', options);
    await settle();
    shared.failInvalidations = true;
    await session().invalidate(['product:1']);
    expect(cache.hasPending(['product:1'])).toBe(true);

    // Upstash still holds 'old' as valid; concurrent readers share one computation of 'new'.
    const counted = countedCompute('new');
    const { compute } = counted;
    const first = await Promise.all([1, 2, 3].map(() => session().lookup('k', compute, options)));
    expect(first.map((r) => r.value)).toEqual(['new', 'new', 'new']);
    expect(first[0]).toMatchObject({ outcome: 'MISS', detail: 'invalidation-pending' });
    expect(counted.calls).toBe(1);
    // Then memory answers: a pending invalidation does not send every request to the database.
    expect(await session().lookup('k', compute, options)).toMatchObject({
      value: 'new',
      outcome: 'HIT',
      detail: 'memory',
    });
    expect(counted.calls).toBe(1);

    shared.failInvalidations = false;
    await session().lookup('other', async () => 'x', resolveOptions({ ttl: '60s' }));
    await settle();
    expect(cache.pendingTags()).toEqual([]);
    expect((await session().lookup('k', async () => 'new', options)).value).toBe('new');
  });

  it('does not serve an Upstash entry whose content tag has a pending invalidation here', async () => {
    const { shared, cache, session, settle } = setup();
    // A page of products 1 and 2, showing product 2's stock.
    const page = resolveOptions<number[]>({
      ttl: '60s',
      tags: ['list'],
      contentTags: () => ['product:1', 'product:2'],
    });
    let stock = 10;
    await session().lookup('page', async () => [1, 2, stock], page);
    await settle();
    cache.memory.invalidate(['list']); // as if another isolate: only Upstash has the page
    shared.failInvalidations = true;
    stock = 11;
    await session().invalidate(['product:2']);
    expect(await session().lookup('page', async () => [1, 2, stock], page)).toMatchObject({
      value: [1, 2, 11],
      outcome: 'MISS',
    });
  });

  it('keeps a tag pending when a later write failed too, even after an earlier attempt is confirmed', () => {
    const cache = new EdgeCache();
    const first = cache.markPending(['a', 'b']);
    const second = cache.markPending(['b']);
    cache.confirmPending(['a', 'b'], first);
    expect(cache.pendingTags()).toEqual(['b']);
    cache.confirmPending(['b'], second);
    expect(cache.pendingTags()).toEqual([]);
  });

  it('shares a failure with joined callers, but not a value that may not be stored', async () => {
    const { session } = setup();
    let calls = 0;
    const failing = resolveOptions({
      ttl: '60s',
      failed: (v: string) => v === 'down',
      storable: (v: string) => v === 'ok',
    });
    const compute = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'down';
    };
    const results = await Promise.all([1, 2, 3].map(() => session().lookup('f', compute, failing)));
    expect(calls).toBe(1);
    expect(results.map((r) => r.value)).toEqual(['down', 'down', 'down']);

    calls = 0;
    const privateValue = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'private';
    };
    await Promise.all([1, 2, 3].map(() => session().lookup('p', privateValue, failing)));
    expect(calls).toBe(3);
  });

  it('gives up on a leader that never finishes (its request canceled) after the lease time, and computes', async () => {
    const shared = new FakeSharedTier();
    const cache = new EdgeCache({ leaseMs: 50 });
    const session = () => new CacheSession(cache, () => shared, { waitUntil: () => {} });
    void session().lookup('k', () => new Promise<string>(() => {}), options);
    const started = Date.now();
    const joined = await session().lookup('k', async () => 'mine', options);
    expect(joined).toMatchObject({ value: 'mine', outcome: 'MISS' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(500);
    // The stuck slot is gone: the next caller does not wait for it again.
    expect(cache.inFlight('k')).toBeUndefined();
  });

  it('computes once when several joiners give up on the same stuck leader at once (not once per joiner)', async () => {
    const shared = new FakeSharedTier();
    const cache = new EdgeCache({ leaseMs: 50 });
    const session = () => new CacheSession(cache, () => shared, { waitUntil: () => {} });
    void session().lookup('k', () => new Promise<string>(() => {}), options);
    const replacement = countedCompute('mine', 20);
    const joiners = await Promise.all([1, 2, 3, 4].map(() => session().lookup('k', replacement.compute, options)));
    expect(joiners.map((result) => result.value)).toEqual(['mine', 'mine', 'mine', 'mine']);
    expect(replacement.calls).toBe(1);
  });

  it('keeps waiting for a slow leader while other lookups in the isolate finish (queueing, not a lost leader)', async () => {
    const shared = new FakeSharedTier();
    const cache = new EdgeCache({ leaseMs: 50 });
    const session = () => new CacheSession(cache, () => shared, { waitUntil: () => {} });
    let computations = 0;
    const slow = async () => {
      computations++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return 'slow';
    };
    // Other keys keep settling every 20 ms: the isolate is busy, and working.
    const busy = setInterval(() => void session().lookup(`other-${Math.random()}`, async () => 'x', options), 20);
    try {
      const leader = session().lookup('slow', slow, options);
      const joined = await session().lookup('slow', slow, options);
      expect(joined).toMatchObject({ value: 'slow', detail: 'collapsed' });
      expect(await leader).toMatchObject({ value: 'slow', outcome: 'MISS' });
      expect(computations).toBe(1);

      // A leader that never finishes is still given up on, after MAX_JOIN_LEASES (4) leases.
      void session().lookup('lost', () => new Promise<string>(() => {}), options);
      const started = Date.now();
      expect(await session().lookup('lost', async () => 'mine', options)).toMatchObject({
        value: 'mine',
        outcome: 'MISS',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      clearInterval(busy);
    }
  });

  it('hands joined callers the value as data, marked collapsed', async () => {
    const { session } = setup();
    const counted = countedCompute({ n: 1 }, 20);
    const { compute } = counted;
    const [leader, ...joined] = await Promise.all(
      [1, 2, 3].map(() => session().lookup('d', compute, resolveOptions({ ttl: '60s' }))),
    );
    expect(counted.calls).toBe(1);
    expect(leader).toMatchObject({ outcome: 'MISS', detail: 'miss' });
    for (const result of joined) expect(result).toMatchObject({ value: { n: 1 }, outcome: 'HIT', detail: 'collapsed' });
  });

  it('keeps answering from memory, then computes once per key, while Upstash is unavailable', async () => {
    const { cache, session } = await withCachedThenUpstashDown('cached');
    const fromMemory = await session().lookup('k', async () => 'computed', options);
    expect(fromMemory).toMatchObject({ value: 'cached', outcome: 'HIT', detail: 'memory' });

    let calls = 0;
    const compute = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return 'computed';
    };
    const cold = await Promise.all([1, 2, 3, 4].map(() => session().lookup('cold', compute, options)));
    expect(calls).toBe(1);
    expect(cold.map((r) => r.outcome)).toEqual(['BYPASS', 'BYPASS', 'BYPASS', 'BYPASS']);
    expect(cache.memory.get('cold', Date.now())?.entry.value).toBe('computed');
  });

  it('answers a stale memory entry at once while Upstash is unavailable, and refreshes it in the background once', async () => {
    const { cache, session, settle } = await withCachedThenUpstashDown('old');
    const later = Date.now() + 61_000; // past the 60 s ttl, within the default 1 h stale-if-error
    const realNow = Date.now;
    Date.now = () => later;
    try {
      const refresh = countedCompute('new', 20);
      const stale = await Promise.all([1, 2, 3].map(() => session().lookup('k', refresh.compute, options)));
      expect(stale.map((r) => [r.value, r.outcome])).toEqual(Array(3).fill(['old', 'STALE']));
      expect(stale.map((r) => r.detail)).toEqual(['cache-unavailable', 'collapsed', 'collapsed']);
      const again = await session().lookup('k', refresh.compute, options);
      expect(again.outcome).toBe('STALE');
      await settle();
      expect(refresh.calls).toBe(1);
      expect(cache.memory.retained('k', later)?.value).toBe('new');
      expect(await session().lookup('k', refresh.compute, options)).toMatchObject({
        value: 'new',
        outcome: 'HIT',
        detail: 'memory',
      });
    } finally {
      Date.now = realNow;
    }
  });

  it('keeps answering from memory without waiting on Upstash while looks at the log fail, for one breaker cooldown', async () => {
    const shared = new FakeSharedTier();
    const cache = new EdgeCache({ memoryMaxStalenessMs: 1, timeoutMs: 20, breakerCooldownMs: 60 });
    const session = () => new CacheSession(cache, () => shared, { waitUntil: () => {} });
    const origin = countedCompute('kept');
    await session().lookup('k', origin.compute, options);
    await new Promise((resolve) => setTimeout(resolve, 5)); // past the 1 ms bound: the next lookup asks for the log

    shared.failLooks = true;
    const looks = () => shared.looks;
    const lookups = () => Promise.all([1, 2, 3].map(() => session().lookup('k', origin.compute, options)));
    let before = looks();
    const first = await lookups();
    expect(first.map((r) => `${r.outcome} ${r.detail}`)).toEqual(['HIT memory', 'HIT memory', 'HIT memory']);
    expect(looks() - before).toBe(1); // one request looked, and failed
    expect(cache.log.failing).toBe(true);

    // Past the usual slack (one timeout), within the cooldown: one request retries the log, and
    // all are answered from memory at once instead of each asking Upstash and waiting it out.
    await new Promise((resolve) => setTimeout(resolve, 30));
    before = looks();
    const during = await lookups();
    expect(during.map((r) => `${r.outcome} ${r.detail}`)).toEqual(['HIT memory', 'HIT memory', 'HIT memory']);
    expect(looks() - before).toBe(1);

    // Past the cooldown: memory answers only after Upstash was asked (one more sync, then a read).
    await new Promise((resolve) => setTimeout(resolve, 60));
    before = looks();
    expect(await session().lookup('k', origin.compute, options)).toMatchObject({
      value: 'kept',
      outcome: 'HIT',
      detail: 'memory',
    });
    expect(looks() - before).toBe(2);
    expect(origin.calls).toBe(1);

    shared.failLooks = false; // Upstash answers again: the log is current and memory is served as before
    await session().lookup('k', origin.compute, options);
    expect(cache.log.failing).toBe(false);
  });

  it('drops a cached value when another isolate invalidates one of its content tags, and only that value', async () => {
    const shared = new FakeSharedTier();
    const reader = new EdgeCache({ memoryMaxStalenessMs: 1 });
    const writer = new EdgeCache();
    const session = (cache: EdgeCache) => new CacheSession(cache, () => shared, { waitUntil: () => {} });
    const page = resolveOptions<number[]>({
      ttl: '60s',
      tags: ['list'],
      contentTags: (value) => value.map((id) => `product:${id}`),
    });
    await session(reader).lookup('page1', async () => [1, 2], page);
    await session(reader).lookup('page2', async () => [3, 4], page);
    expect(await session(reader).lookup('page1', async () => [9], page)).toMatchObject({
      outcome: 'HIT',
      detail: 'memory',
    });

    await session(writer).invalidate(['product:2']);
    await new Promise((resolve) => setTimeout(resolve, 5)); // past the reader's 1 ms bound: it asks for the log
    expect(await session(reader).lookup('page1', async () => [1, 2, 5], page)).toMatchObject({
      value: [1, 2, 5],
      outcome: 'MISS',
    });
    expect(await session(reader).lookup('page2', async () => [0], page)).toMatchObject({
      value: [3, 4],
      outcome: 'HIT',
    });
  });

  it('never stores a value whose content tag was invalidated while it was being computed', async () => {
    const shared = new FakeSharedTier();
    const [reader, writer, later] = [new EdgeCache(), new EdgeCache(), new EdgeCache()];
    const background: Promise<unknown>[] = [];
    const session = (cache: EdgeCache) =>
      new CacheSession(cache, () => shared, { waitUntil: (p) => background.push(p) });
    const contentTags = (value: number[]) => value.map((id) => `product:${id}`);
    const computed = await session(reader).lookup(
      'page',
      async () => {
        // The write lands after this page was read from the database, before it is stored.
        await session(writer).invalidate(['product:1']);
        return [1, 2];
      },
      resolveOptions({ ttl: '60s', contentTags }),
    );
    await Promise.all(background);
    expect(computed).toMatchObject({ value: [1, 2], outcome: 'MISS' });
    expect(shared.entries.has('page')).toBe(false);
    expect(reader.memory.get('page', Date.now())).toBeUndefined();
    expect(
      await session(later).lookup('page', async () => [1, 3], resolveOptions({ ttl: '60s', contentTags })),
    ).toMatchObject({ value: [1, 3], outcome: 'MISS' });
  });

  it('does not hand joiners a value that a write in this isolate made outdated while it was computed', async () => {
    const { session } = setup();
    const contentTags = (value: number[]) => value.map((id) => `product:${id}`);
    let calls = 0;
    let release = () => {};
    const leader = session().lookup(
      'page',
      async () => {
        calls++;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return [1, 2];
      },
      resolveOptions({ ttl: '60s', contentTags }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5)); // the leader has read and is computing
    const joiner = session().lookup(
      'page',
      async () => {
        calls++;
        return [1, 2, 3];
      },
      resolveOptions({ ttl: '60s', contentTags }),
    );
    await session().invalidate(['product:2']);
    release();
    expect((await leader).value).toEqual([1, 2]);
    expect(await joiner).toMatchObject({ value: [1, 2, 3], outcome: 'MISS' });
    expect(calls).toBe(2);
  });

  it('answers callers that joined before a write with the value under way, and callers after it with a new one', async () => {
    const { session } = setup();
    let calls = 0;
    let release = () => {};
    const slow = async () => {
      const call = ++calls;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return `v${call}`;
    };
    const leader = session().lookup('stats', slow, options);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const concurrent = session().lookup('stats', slow, options);
    await session().invalidate(['product:1']);
    const firstRelease = release;
    // Began after the write: it must not see the computation that began before it.
    const after = session().lookup('stats', slow, options);
    await new Promise((resolve) => setTimeout(resolve, 5));
    firstRelease();
    release();
    expect((await leader).value).toBe('v1');
    expect(await concurrent).toMatchObject({ value: 'v1', detail: 'collapsed' });
    expect((await after).value).toBe('v2');
    expect(calls).toBe(2);
  });

  it('hands a failed computation to the isolates waiting on its lease: they answer with it and never ask the origin', async () => {
    const { shared, session, settle } = setup();
    shared.exclusiveLeases = true;
    const otherIsolate = new EdgeCache({ memoryMaxStalenessMs: 60_000 });
    const peerSession = () => new CacheSession(otherIsolate, () => shared, { waitUntil: () => {} });
    const failing = resolveOptions({
      ttl: '60s',
      tags: ['product:1'],
      failed: (value: string) => value === 'unavailable',
    });
    let release = () => {};
    const holder = session().lookup(
      'stats',
      async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return 'unavailable';
      },
      failing,
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const peer = countedCompute('computed by the peer');
    const waiting = peerSession().lookup('stats', peer.compute, failing);
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    expect(await holder).toMatchObject({ value: 'unavailable', outcome: 'MISS', detail: 'miss', stored: false });
    await settle();
    expect(await waiting).toMatchObject({ value: 'unavailable', outcome: 'MISS', detail: 'collapsed', stored: false });
    expect(peer.calls).toBe(0);
  });

  it('does not wait for a fill its own isolate leased for a lookup that a write made outdated', async () => {
    const { shared, session } = setup();
    shared.exclusiveLeases = true;
    let release = () => {};
    const leader = session().lookup(
      'stats',
      async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return 'before';
      },
      options,
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await session().invalidate(['product:1']);
    // The write's response is out; a new request finds the lease held here, by a lookup it cannot use.
    const after = await session().lookup('stats', async () => 'after', options);
    expect(after).toMatchObject({ value: 'after', outcome: 'MISS', detail: 'no-fill' });
    expect(shared.peeks).toBe(0);
    release();
    await leader;
  });

  it('has concurrent readers share one computation right after this isolate wrote (its own invalidation not yet synced)', async () => {
    const { session, settle } = setup();
    await session().lookup('stats', async () => 'before', options);
    await settle();
    await session().invalidate(['product:1']);
    const counted = countedCompute('after');
    const { compute } = counted;
    const results = await Promise.all(Array.from({ length: 5 }, () => session().lookup('stats', compute, options)));
    expect(results.map((result) => result.value)).toEqual(Array(5).fill('after'));
    expect(counted.calls).toBe(1);
  });

  it('lets a lookup join a forced refresh of the same key in flight (a write refreshing what it invalidated)', async () => {
    const { session } = setup();
    const counted = countedCompute('fresh');
    const { compute } = counted;
    const refreshing = session().refresh('stats', compute, options);
    const looked = await session().lookup('stats', compute, options);
    expect(looked).toMatchObject({ value: 'fresh', outcome: 'HIT', detail: 'collapsed' });
    expect((await refreshing).value).toBe('fresh');
    expect(counted.calls).toBe(1);
  });

  it('treats a stored value of the wrong shape as a miss', async () => {
    const { shared, session } = setup();
    const stamp = shared.stamp(['product:1']);
    shared.entries.set(
      'k',
      encodeEntry({
        freshUntil: Date.now() + 60_000,
        staleUntil: Date.now() + 60_000,
        retainUntil: Date.now() + 60_000,
        storedAt: Date.now(),
        seq: 0,
        tagStamp: stamp,
        contentTags: [],
        payload: JSON.stringify({ v: 2 }),
      }),
    );
    const isString = (value: unknown): value is string => typeof value === 'string';
    const result = await session().lookup('k', async () => 'fresh', { ...options, validate: isString });
    expect(result).toMatchObject({ value: 'fresh', outcome: 'MISS' });
    expect(decodeEntry(shared.entries.get('k'))?.payload).toBe('"fresh"');
  });

  it('takes a stored value its validator throws on for no entry, and answers a value that is not JSON without storing it', async () => {
    const { shared, session, settle } = setup();
    await session().lookup('k', async () => ({ items: [1] }), resolveOptions({ ttl: '60s' }));
    await settle();
    const picky = resolveOptions({
      ttl: '60s',
      validate: (value: unknown): value is { list: number[] } =>
        (value as { list: number[] }).list.every(Number.isInteger),
    });
    const other = setup();
    other.shared.entries = shared.entries; // another isolate, same Upstash: its memory does not hold 'k'
    expect(await other.session().lookup('k', async () => ({ list: [2] }), picky)).toMatchObject({
      value: { list: [2] },
      outcome: 'MISS',
    });

    const events: CacheEvent[] = [];
    const cache = new EdgeCache({}, (event) => events.push(event));
    const background: Promise<unknown>[] = [];
    const big = new CacheSession(cache, () => shared, { waitUntil: (p) => background.push(p) });
    expect(await big.lookup('big', async () => 2n ** 70n, resolveOptions({ ttl: '60s' }))).toMatchObject({
      value: 2n ** 70n,
      outcome: 'MISS',
      stored: false,
    });
    await Promise.all(background);
    expect(shared.entries.has('big')).toBe(false);
    expect(shared.released).toEqual(['big']);
    expect(events).toEqual([expect.objectContaining({ type: 'value-not-storable', key: 'big' })]);
  });

  it('reports a failed background refresh and unreadable content tags as events, with the request id', async () => {
    const shared = new FakeSharedTier();
    const events: CacheEvent[] = [];
    const cache = new EdgeCache({ memoryMaxStalenessMs: 60_000 }, (event) => events.push(event));
    const background: Promise<unknown>[] = [];
    const session = () =>
      new CacheSession(cache, () => shared, { waitUntil: (p) => background.push(p), requestId: 'req-1' });
    const swr = resolveOptions({ ttl: '1s', swr: '1h', tags: ['product:1'] });
    await session().lookup('k', async () => 'old', swr);
    await Promise.all(background);

    const realNow = Date.now;
    Date.now = () => realNow() + 2000; // past the ttl, within swr: served STALE, refreshed in the background
    try {
      const stale = await session().lookup(
        'k',
        async () => {
          throw new Error('database down');
        },
        swr,
      );
      expect(stale).toMatchObject({ value: 'old', outcome: 'STALE', detail: 'stale-while-revalidate' });
      await Promise.all(background);
    } finally {
      Date.now = realNow;
    }
    expect(events).toEqual([expect.objectContaining({ type: 'revalidation-failed', key: 'k', requestId: 'req-1' })]);

    const unreadable = resolveOptions({
      ttl: '60s',
      contentTags: (): string[] => {
        throw new Error('no ids');
      },
    });
    expect(await session().lookup('c', async () => 'v', unreadable)).toMatchObject({
      value: 'v',
      outcome: 'MISS',
      stored: false,
    });
    expect(events.at(-1)).toMatchObject({ type: 'content-tags-failed', key: 'c', requestId: 'req-1' });
  });
});

describe('edgeCacheSettingsFrom', () => {
  it('reports a bad var once and keeps the default instead of failing every request', () => {
    const reports: string[] = [];
    const settings = edgeCacheSettingsFrom(
      { CACHE_MEMORY_STALENESS: '2 sec', CACHE_TIMEOUT_MS: 'fast', CACHE_NAMESPACE: 'x' },
      (m) => reports.push(m),
    );
    expect(settings).toMatchObject({ namespace: 'x', memoryMaxStalenessMs: 1000, timeoutMs: 500 });
    expect(reports).toHaveLength(2);
  });
});
