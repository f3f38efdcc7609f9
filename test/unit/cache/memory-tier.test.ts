import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../../../src/cache/cache-entry';
import { MemoryTier } from '../../../src/cache/memory-tier';

const entry = (freshUntil: number, value = 'v'): CacheEntry & { value: string } => ({
  freshUntil,
  staleUntil: freshUntil,
  retainUntil: freshUntil,
  storedAt: 0,
  tagStamp: '',
  seq: 0,
  contentTags: [],
  payload: '""',
  value,
});

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
