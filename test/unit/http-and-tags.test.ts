import { describe, expect, it } from 'vitest';
import { cacheControlDirectives, cacheStatus, ifNoneMatchMatches, strongEtag } from '../../src/cache/http-cache-headers';
import { ALL_PRODUCTS_LIST, CATEGORIES, CATEGORY_LISTS, productListTags, productTagsOfPage, STATS, tagsForProductWrite } from '../../src/catalog/cache-tags';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../src/catalog/page-cursor';
import { negotiateEncoding } from '../../src/middleware/compression';

describe('Cache-Control and validators', () => {
  it('reads directive names case-insensitively, ignoring values', () => {
    expect(cacheControlDirectives('No-Cache, max-age=0 , no-store')).toEqual(new Set(['no-cache', 'max-age', 'no-store']));
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
    expect(cacheStatus({ ...base, outcome: 'MISS', detail: 'miss', stored: true })).toBe('edge-api; fwd=uri-miss; stored');
    expect(cacheStatus({ ...base, outcome: 'MISS', detail: 'refresh', stored: true })).toBe('edge-api; fwd=request; stored');
    expect(cacheStatus({ ...base, ttlSeconds: -3, outcome: 'STALE', detail: 'stale-if-error', originStatus: 503 })).toBe('edge-api; fwd=uri-miss; fwd-status=503; ttl=-3; detail=stale-if-error');
    expect(cacheStatus({ ...base, ttlSeconds: -3, outcome: 'STALE', detail: 'cache-unavailable' })).toBe('edge-api; hit; ttl=-3; detail=cache-unavailable');
    expect(cacheStatus({ ...base, outcome: 'MISS', detail: 'collapsed', originStatus: 503 })).toBe('edge-api; fwd=uri-miss; fwd-status=503; collapsed');
    expect(cacheStatus({ ...base, outcome: 'BYPASS', detail: 'cache-unavailable' })).toBe('edge-api; fwd=bypass; detail=cache-unavailable');
  });
});

describe('Accept-Encoding negotiation', () => {
  it('picks gzip when accepted and honours q=0', () => {
    expect(negotiateEncoding('gzip, deflate')?.[0]).toBe('gzip');
    expect(negotiateEncoding('*')).toBeDefined();
    expect(negotiateEncoding('gzip;q=0')).toBeUndefined();
    expect(negotiateEncoding('identity')).toBeUndefined();
    expect(negotiateEncoding(undefined)).toBeUndefined();
  });
});

describe('tags a product write invalidates', () => {
  it('create and delete touch the product, both list scopes, categories and stats', () => {
    expect(tagsForProductWrite({ kind: 'create', id: 7, category: 'tea' }))
      .toEqual(['product:7', ALL_PRODUCTS_LIST, 'products:list:category:tea', CATEGORIES, STATS]);
  });

  it('a rename touches the product and the lists it is in, not categories or stats', () => {
    expect(tagsForProductWrite({ kind: 'update', id: 7, category: 'tea', changed: ['name'] }))
      .toEqual(['product:7', ALL_PRODUCTS_LIST, 'products:list:category:tea']);
  });

  it('a price change touches the lists it sorts and stats', () => {
    expect(tagsForProductWrite({ kind: 'update', id: 7, category: 'tea', changed: ['priceCents'] }))
      .toEqual(['product:7', ALL_PRODUCTS_LIST, 'products:list:category:tea', STATS]);
  });

  it('a stock change touches the product (and so the pages that show it) and stats, no whole list scope', () => {
    expect(tagsForProductWrite({ kind: 'update', id: 7, category: 'tea', changed: ['stock'] })).toEqual(['product:7', STATS]);
    expect(tagsForProductWrite({ kind: 'update', id: 7, category: 'tea', changed: ['description', 'sku'] })).toEqual(['product:7']);
  });

  it("reads a list page's product tags off its body, and refuses a body it cannot read", () => {
    expect(productTagsOfPage('{"items":[{"id":3},{"id":11}],"nextCursor":null}')).toEqual(['product:3', 'product:11']);
    expect(productTagsOfPage('{"items":[],"nextCursor":null}')).toEqual([]);
    expect(() => productTagsOfPage('{"items":[{"id":"3"}]}')).toThrow();
    expect(() => productTagsOfPage('not json')).toThrow();
  });

  it('a category move touches every category list, categories and stats', () => {
    const tags = tagsForProductWrite({ kind: 'update', id: 7, category: 'desk', changed: ['category'] });
    expect(tags).toEqual(expect.arrayContaining([CATEGORY_LISTS, CATEGORIES, STATS]));
  });

  it('list pages carry the tags writes use', () => {
    expect(productListTags(undefined)).toEqual([ALL_PRODUCTS_LIST]);
    expect(productListTags('tea')).toEqual(['products:list:category:tea', CATEGORY_LISTS]);
  });
});

describe('page cursors', () => {
  it('round-trip for each sort', () => {
    expect(decodeCursor('id', encodeCursor('id', [42]))).toEqual([42]);
    expect(decodeCursor('price', encodeCursor('price', [0, 3]))).toEqual([0, 3]);
    expect(decodeCursor('newest', encodeCursor('newest', ['2026-01-01T00:00:00.123456Z', 9]))).toEqual(['2026-01-01T00:00:00.123456Z', 9]);
  });

  it.each([
    ['garbage', 'id', '!!!'],
    ['another sort', 'id', encodeCursor('price', [1, 2])],
    ['a non-integer id', 'id', btoa('["id",1.5]')],
    ['a bad timestamp', 'newest', btoa('["newest","yesterday",1]')],
    ['extra values', 'id', btoa('["id",1,2]')],
  ] as const)('rejects %s', (_label, sort, cursor) => {
    expect(() => decodeCursor(sort, cursor)).toThrow(InvalidCursorError);
  });
});
