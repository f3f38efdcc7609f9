import { describe, expect, it } from 'vitest';
import { dataPointOf, timingsFromServerTiming } from '../../../src/monitoring/data-point';

describe('dataPointOf', () => {
  it('lays out blobs and doubles as monitoring/queries.sql reads them', () => {
    expect(
      dataPointOf({
        route: '/api/products/:id',
        method: 'GET',
        status: 200,
        cache: 'HIT',
        colo: 'AMS',
        totalMs: 1.234,
        dbMs: 0,
        cacheMs: 0.5,
        bytes: 512,
      }),
    ).toEqual({
      indexes: ['/api/products/:id'],
      blobs: ['/api/products/:id', 'GET', 'HIT', 'AMS'],
      doubles: [200, 1.23, 0, 0.5, 512],
    });
  });
});

describe('timingsFromServerTiming', () => {
  it('reads the cache and db durations the cache layer writes', () => {
    expect(timingsFromServerTiming('cache;dur=1.5;desc="MISS miss", db;dur=12.3')).toEqual({
      cacheMs: 1.5,
      dbMs: 12.3,
    });
  });

  it('gives 0 for what is missing or malformed', () => {
    expect(timingsFromServerTiming(null)).toEqual({ cacheMs: 0, dbMs: 0 });
    expect(timingsFromServerTiming('cache;desc="HIT memory"')).toEqual({ cacheMs: 0, dbMs: 0 });
    expect(timingsFromServerTiming('db;dur=abc, other;dur=5')).toEqual({ cacheMs: 0, dbMs: 0 });
  });
});
