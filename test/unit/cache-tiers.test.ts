import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../../src/cache/cache-entry';
import { CircuitBreaker } from '../../src/cache/circuit-breaker';
import { InvalidationLog, type LogTail } from '../../src/cache/invalidation-log';
import { MemoryTier } from '../../src/cache/memory-tier';

const entry = (freshUntil: number, value = 'v'): CacheEntry & { value: string } =>
  ({ freshUntil, staleUntil: freshUntil, retainUntil: freshUntil, storedAt: 0, tagStamp: '', seq: 0, contentTags: [], payload: '""', value });

describe('MemoryTier', () => {
  it('serves an item while it is fresh, with its tags and content tags and the seq it is current at', () => {
    const memory = new MemoryTier(10);
    memory.set('long', { ...entry(60_000), contentTags: ['product:7'] }, ['list'], 42, 0);
    memory.set('short', entry(500), [], 0, 0);
    expect(memory.get('long', 59_999)).toMatchObject({ tags: ['list', 'product:7'], validAsOf: 42 });
    expect(memory.get('long', 60_000)).toBeUndefined();
    expect(memory.get('short', 499)).toBeDefined();
    expect(memory.get('short', 500)).toBeUndefined();
  });

  it('evicts the least recently used item beyond its capacity', () => {
    const memory = new MemoryTier(2);
    memory.set('a', entry(9999), [], 0, 0);
    memory.set('b', entry(9999), [], 0, 0);
    memory.get('a', 1);
    memory.set('c', entry(9999), [], 0, 1);
    expect(memory.get('b', 2)).toBeUndefined();
    expect(memory.get('a', 2)).toBeDefined();
    expect(memory.size).toBe(2);
  });

  it('drops exactly the items carrying an invalidated tag, content tags included', () => {
    const memory = new MemoryTier(10);
    memory.set('p1', entry(9999), ['product:1', 'list'], 0, 0);
    memory.set('p2', entry(9999), ['product:2'], 0, 0);
    memory.set('page', { ...entry(9999), contentTags: ['product:3'] }, ['list:tea'], 0, 0);
    memory.invalidate(['product:1', 'product:3']);
    expect(memory.get('p1', 1)).toBeUndefined();
    expect(memory.get('page', 1)).toBeUndefined();
    expect(memory.get('p2', 1)).toBeDefined();
  });

  it('keeps an item past its freshness, until its retainUntil, as the fallback while Upstash is unavailable', () => {
    const memory = new MemoryTier(10);
    memory.set('k', { ...entry(2000), retainUntil: 3_600_000 }, ['product:1'], 0, 0);
    expect(memory.get('k', 2000)).toBeUndefined();
    expect(memory.retained('k', 2000)?.value).toBe('v');
    expect(memory.retained('k', 3_599_999)).toBeDefined();
    expect(memory.retained('k', 3_600_000)).toBeUndefined();
    memory.set('k', { ...entry(2000), retainUntil: 3_600_000 }, ['product:1'], 0, 0);
    memory.invalidate(['product:1']);
    expect(memory.retained('k', 2000)).toBeUndefined();
  });

  it('forgets an entry only while the key still holds it', () => {
    const memory = new MemoryTier(10);
    const first = entry(9999, 'first');
    memory.set('k', first, [], 0, 0);
    memory.set('k', entry(9999, 'second'), [], 0, 0);
    memory.forget('k', first);
    expect(memory.get('k', 1)?.entry.value).toBe('second');
  });

  it('keeps its tag index in step with replaced, evicted and expired items', () => {
    const memory = new MemoryTier(2);
    memory.set('a', entry(9999), ['t1'], 0, 0);
    memory.set('a', entry(9999), ['t2'], 0, 0); // replaced: no longer tagged t1
    memory.invalidate(['t1']);
    expect(memory.get('a', 1)).toBeDefined();
    memory.set('b', entry(9999), ['t2'], 0, 0);
    memory.set('c', entry(9999), ['t3'], 0, 0); // evicts a
    memory.set('a', entry(9999), ['t4'], 0, 0); // evicts b
    memory.invalidate(['t2']);
    expect([memory.get('a', 1), memory.get('c', 1)].every(Boolean)).toBe(true);
    memory.invalidate(['t3', 't4']);
    expect(memory.size).toBe(0);
  });

  it('stores nothing when disabled', () => {
    const memory = new MemoryTier(0);
    memory.set('a', entry(9999), [], 0, 0);
    expect(memory.get('a', 0)).toBeUndefined();
  });
});

describe('InvalidationLog', () => {
  const tail = (seq: number, since: number, records: string[] = [], gap = false): LogTail => ({ seq, since, gap, records });

  it('knows, from its first look on, which tags were invalidated after a seq', () => {
    const log = new InvalidationLog();
    expect(log.since(1_000_000)).toBe(1_000_000 - 15 * 60_000);
    log.apply(tail(300, 100, ['200 product:1 list', '300 product:2']), 5);
    expect(log.seq).toBe(300);
    expect(log.since(0)).toBe(300);
    expect(log.isCurrent(['product:1'], 199)).toBe(false);
    expect(log.isCurrent(['product:1'], 200)).toBe(true);
    expect(log.isCurrent(['product:2', 'list'], 250)).toBe(false);
    expect(log.isCurrent(['product:3'], 150)).toBe(true);
    // Before its first look: nothing it can vouch for.
    expect(log.isCurrent(['product:3'], 99)).toBe(false);
  });

  it('starts over after a gap, or when the log went backwards, vouching only for what is newer', () => {
    const log = new InvalidationLog();
    log.apply(tail(300, 100, ['200 product:1']), 5);
    log.apply(tail(900, 300, [], true), 6);
    expect(log.isCurrent(['product:9'], 899)).toBe(false);
    expect(log.isCurrent(['product:9'], 900)).toBe(true);
    log.apply(tail(50, 900), 7);
    expect(log.seq).toBe(50);
    expect(log.isCurrent(['product:9'], 49)).toBe(false);
    expect(log.isCurrent(['product:9'], 50)).toBe(true);
  });

  it('takes replies in any order, keeping the newest position', () => {
    const log = new InvalidationLog();
    log.apply(tail(300, 100, ['200 a', '300 b']), 5);
    log.apply(tail(250, 100, ['200 a']), 6);
    expect(log.seq).toBe(300);
    expect(log.syncedAt).toBe(5);
    expect(log.isCurrent(['b'], 299)).toBe(false);
    expect(log.isRecent(1005, 1000)).toBe(true);
    expect(log.isRecent(1006, 1000)).toBe(false);
  });
});

describe('CircuitBreaker', () => {
  const options = { failureThreshold: 3, failureRatio: 0.5, windowMs: 10_000, cooldownMs: 5000 };

  it('opens after the threshold, lets one trial through after the cool-down, closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(options, () => now);
    for (let i = 0; i < 2; i++) breaker.recordFailure();
    expect(breaker.allows()).toBe(true);
    breaker.recordFailure();
    expect(breaker.isOpen).toBe(true);
    expect(breaker.allows()).toBe(false);
    now = 5000;
    expect(breaker.allows()).toBe(true);
    expect(breaker.allows()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.allows()).toBe(true);
    expect(breaker.isOpen).toBe(false);
  });

  it('re-opens when the trial fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ ...options, failureThreshold: 1, cooldownMs: 1000 }, () => now);
    breaker.recordFailure();
    now = 1000;
    expect(breaker.allows()).toBe(true);
    breaker.recordFailure();
    expect(breaker.allows()).toBe(false);
    now = 1999;
    expect(breaker.allows()).toBe(false);
  });

  it('stays closed when failures are a minority of the calls (slow answers under load, not an outage)', () => {
    let now = 0;
    const breaker = new CircuitBreaker(options, () => now);
    for (let i = 0; i < 100; i++) {
      now += 10;
      if (i % 4 === 0) breaker.recordFailure();
      else breaker.recordSuccess();
    }
    expect(breaker.isOpen).toBe(false);
    expect(breaker.allows()).toBe(true);
  });

  it('counts failures per window: old ones do not add up with new ones', () => {
    let now = 0;
    const breaker = new CircuitBreaker(options, () => now);
    breaker.recordFailure();
    breaker.recordFailure();
    now = 10_000;
    breaker.recordFailure();
    expect(breaker.isOpen).toBe(false);
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.isOpen).toBe(true);
  });
});
