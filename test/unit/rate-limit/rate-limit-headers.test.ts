import { describe, expect, it } from 'vitest';
import { parseBudget } from '../../../src/rate-limit/budget';
import { rateLimitHeaders, secondsUntil } from '../../../src/rate-limit/rate-limit-headers';

describe('RateLimit fields', () => {
  it('writes the policy and what is left of it as draft-ietf-httpapi-ratelimit-headers-10 does', () => {
    const budget = parseBudget('reads', '600 per 10s')!;
    expect(rateLimitHeaders(budget, { allowed: true, remaining: 42, resetAt: 7_400 }, 1_000)).toEqual({
      'RateLimit-Policy': '"reads";q=600;w=10',
      RateLimit: '"reads";r=42;t=7',
    });
  });

  it('never tells a client to retry in 0 seconds', () => {
    expect(secondsUntil(1_000, 1_000)).toBe(1);
    expect(secondsUntil(500, 1_000)).toBe(1);
    expect(secondsUntil(2_001, 1_000)).toBe(2);
  });
});
