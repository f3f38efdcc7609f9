import { describe, expect, it } from 'vitest';
import { type CacheEntry, decodeEntry, encodeEntry, freshnessOf } from '../../../src/cache/cache-entry';

describe('cache entries', () => {
  const entry: CacheEntry = {
    freshUntil: 2000,
    staleUntil: 5000,
    retainUntil: 9000,
    storedAt: 1000,
    seq: 1_764_777_600_123,
    tagStamp: 'a.1,b.2',
    contentTags: ['product:1', 'product:22'],
    payload: '{"x":"line\\nbreak"}\nmore',
  };

  it('round-trips through the stored string, with and without content tags or a stamp', () => {
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
    const bare = { ...entry, seq: -1, tagStamp: '', contentTags: [] };
    expect(decodeEntry(encodeEntry(bare))).toEqual(bare);
  });

  it.each([null, 42, '', 'hello', '{"json":true}', 'ec1 1 2 3 4 s\n{}', 'ec2 1 2 3 4 s\n{}', 'ec2 1 2 3 4 x s\n{}'])(
    'reads %j as no entry',
    (stored) => {
      expect(decodeEntry(stored)).toBeUndefined();
    },
  );

  it('is fresh, then stale, then expired', () => {
    expect(freshnessOf(entry, 1999)).toBe('fresh');
    expect(freshnessOf(entry, 2000)).toBe('stale');
    expect(freshnessOf(entry, 4999)).toBe('stale');
    expect(freshnessOf(entry, 5000)).toBe('expired');
  });
});
