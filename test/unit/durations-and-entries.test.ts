import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, freshnessOf, type CacheEntry } from '../../src/cache/cache-entry';
import { toMilliseconds } from '../../src/cache/duration';
import { decodeValue, encodeValue } from '../../src/cache/value-codec';

describe('toMilliseconds', () => {
  it.each([['500ms', 500], ['60s', 60_000], ['5m', 300_000], ['1h', 3_600_000], ['1d', 86_400_000], ['1.5s', 1500], ['2 s', 2000], ['0s', 0]])(
    '%s is %i ms', (duration, ms) => expect(toMilliseconds(duration)).toBe(ms));

  it.each(['', '60', 's', '-1s', '1w', '1e3s', 'abc'])('rejects %j', (duration) => {
    expect(() => toMilliseconds(duration)).toThrow(/Invalid duration/);
  });
});

describe('cache entries', () => {
  const entry: CacheEntry = {
    freshUntil: 2000, staleUntil: 5000, retainUntil: 9000, storedAt: 1000, seq: 1_764_777_600_123, tagStamp: 'a.1,b.2',
    contentTags: ['product:1', 'product:22'], payload: '{"x":"line\\nbreak"}\nmore',
  };

  it('round-trips through the stored string, with and without content tags or a stamp', () => {
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
    const bare = { ...entry, seq: -1, tagStamp: '', contentTags: [] };
    expect(decodeEntry(encodeEntry(bare))).toEqual(bare);
  });

  it.each([null, 42, '', 'hello', '{"json":true}', 'ec1 1 2 3 4 s\n{}', 'ec2 1 2 3 4 s\n{}', 'ec2 1 2 3 4 x s\n{}'])('reads %j as no entry', (stored) => {
    expect(decodeEntry(stored)).toBeUndefined();
  });

  it('is fresh, then stale, then expired', () => {
    expect(freshnessOf(entry, 1999)).toBe('fresh');
    expect(freshnessOf(entry, 2000)).toBe('stale');
    expect(freshnessOf(entry, 4999)).toBe('stale');
    expect(freshnessOf(entry, 5000)).toBe('expired');
  });
});

describe('value codec', () => {
  it('keeps dates, bigints, -0, infinities and unicode', () => {
    const value = { at: new Date('2026-11-25T00:00:00.123Z'), big: -(2n ** 80n), zero: -0, inf: Infinity, nan: NaN, text: 'Ωmega 😀', nested: [{ d: new Date(0) }] };
    const decoded = decodeValue<typeof value>(encodeValue(value));
    expect(decoded).toEqual(value);
    expect(Object.is(decoded.zero, -0)).toBe(true);
    expect(decoded.at).toBeInstanceOf(Date);
  });

  it('leaves objects that merely look tagged but have other keys alone', () => {
    expect(decodeValue(encodeValue({ $date: 'x', other: 1 }))).toEqual({ $date: 'x', other: 1 });
  });

  it('throws on text it did not write', () => {
    expect(() => decodeValue('not json')).toThrow();
  });
});
