import { describe, expect, it } from 'vitest';
import {
  cacheControlDirectives,
  cacheStatus,
  ifNoneMatchMatches,
  strongEtag,
} from '../../../src/cache/http-cache-headers';

describe('Cache-Control and validators', () => {
  it('reads directive names case-insensitively, ignoring values', () => {
    expect(cacheControlDirectives('No-Cache, max-age=0 , no-store')).toEqual(
      new Set(['no-cache', 'max-age', 'no-store']),
    );
    expect(cacheControlDirectives(undefined).size).toBe(0);
  });

  it('makes equal ETags for equal bodies and different ones otherwise', async () => {
    expect(await strongEtag('{"a":1}')).toBe(await strongEtag('{"a":1}'));
    expect(await strongEtag('{"a":1}')).not.toBe(await strongEtag('{"a":2}'));
    expect(await strongEtag('')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('compares If-None-Match weakly', () => {
    expect(ifNoneMatchMatches('"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('"x", "abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('*', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('"abcd"', '"abc"')).toBe(false);
    expect(ifNoneMatchMatches(undefined, '"abc"')).toBe(false);
  });

  it('writes RFC 9211 Cache-Status values', () => {
    const base = { stored: false, ttlSeconds: 12 };
    expect(cacheStatus({ ...base, outcome: 'HIT', detail: 'redis' })).toBe('edge-api; hit; ttl=12; detail=redis');
    expect(cacheStatus({ ...base, outcome: 'MISS', detail: 'miss', stored: true })).toBe(
      'edge-api; fwd=uri-miss; stored',
    );
    expect(cacheStatus({ ...base, outcome: 'MISS', detail: 'refresh', stored: true })).toBe(
      'edge-api; fwd=request; stored',
    );
    expect(
      cacheStatus({ ...base, ttlSeconds: -3, outcome: 'STALE', detail: 'stale-if-error', originStatus: 503 }),
    ).toBe('edge-api; fwd=uri-miss; fwd-status=503; ttl=-3; detail=stale-if-error');
    expect(cacheStatus({ ...base, ttlSeconds: -3, outcome: 'STALE', detail: 'cache-unavailable' })).toBe(
      'edge-api; hit; ttl=-3; detail=cache-unavailable',
    );
    expect(cacheStatus({ ...base, outcome: 'MISS', detail: 'collapsed', originStatus: 503 })).toBe(
      'edge-api; fwd=uri-miss; fwd-status=503; collapsed',
    );
    expect(cacheStatus({ ...base, outcome: 'BYPASS', detail: 'cache-unavailable' })).toBe(
      'edge-api; fwd=bypass; detail=cache-unavailable',
    );
  });
});
