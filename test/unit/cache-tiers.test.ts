import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../../src/cache/cache-entry';
import { CircuitBreaker } from '../../src/cache/circuit-breaker';
import { MemoryTier } from '../../src/cache/memory-tier';

const entry = (freshUntil: number, value = 'v'): CacheEntry & { value: string } =>
  ({ freshUntil, staleUntil: freshUntil, retainUntil: freshUntil, storedAt: 0, tagStamp: '', payload: '""', value });

describe('MemoryTier', () => {
  it('serves an item until its freshness or the staleness bound, whichever comes first', () => {
    const memory = new MemoryTier(10, 2000);
    memory.set('long', entry(60_000), [], 0);
    memory.set('short', entry(500), [], 0);
    expect(memory.get('long', 1999)).toBeDefined();
    expect(memory.get('long', 2000)).toBeUndefined();
    expect(memory.get('short', 499)).toBeDefined();
    expect(memory.get('short', 500)).toBeUndefined();
  });

  it('evicts the least recently used item beyond its capacity', () => {
    const memory = new MemoryTier(2, 10_000);
    memory.set('a', entry(9999), [], 0);
    memory.set('b', entry(9999), [], 0);
    memory.get('a', 1);
    memory.set('c', entry(9999), [], 1);
    expect(memory.get('b', 2)).toBeUndefined();
    expect(memory.get('a', 2)).toBeDefined();
    expect(memory.size).toBe(2);
  });

  it('drops exactly the items carrying an invalidated tag', () => {
    const memory = new MemoryTier(10, 10_000);
    memory.set('p1', entry(9999), ['product:1', 'list'], 0);
    memory.set('p2', entry(9999), ['product:2'], 0);
    memory.invalidate(['product:1']);
    expect(memory.get('p1', 1)).toBeUndefined();
    expect(memory.get('p2', 1)).toBeDefined();
  });

  it('keeps an item past the staleness bound, until its retainUntil, as the fallback while Upstash is unavailable', () => {
    const memory = new MemoryTier(10, 2000);
    memory.set('k', { ...entry(60_000), retainUntil: 3_600_000 }, ['product:1'], 0);
    expect(memory.get('k', 2000)).toBeUndefined();
    expect(memory.retained('k', 2000)?.value).toBe('v');
    expect(memory.retained('k', 3_599_999)).toBeDefined();
    expect(memory.retained('k', 3_600_000)).toBeUndefined();
    memory.set('k', { ...entry(60_000), retainUntil: 3_600_000 }, ['product:1'], 0);
    memory.invalidate(['product:1']);
    expect(memory.retained('k', 2000)).toBeUndefined();
  });

  it('stores nothing when disabled', () => {
    const memory = new MemoryTier(10, 0);
    memory.set('a', entry(9999), [], 0);
    expect(memory.get('a', 0)).toBeUndefined();
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
