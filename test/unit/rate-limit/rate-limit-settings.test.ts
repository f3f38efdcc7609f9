import { describe, expect, it } from 'vitest';
import { parseBudget } from '../../../src/rate-limit/budget';
import { DEFAULT_BUDGETS, rateLimitSettingsFrom } from '../../../src/rate-limit/rate-limit-settings';

describe('rateLimitSettingsFrom', () => {
  it('takes the vars, and reports a bad one and keeps its default rather than turning the limit off', () => {
    const reports: string[] = [];
    const settings = rateLimitSettingsFrom(
      { CACHE_NAMESPACE: 'shop', RATE_LIMIT_READS: '10 per 1s', RATE_LIMIT_WRITES: 'lots', RATE_LIMIT_FORCED: 'off' },
      (message) => reports.push(message),
    );
    expect(settings.prefix).toBe('shop');
    expect(settings.budgets.reads).toEqual({ name: 'reads', tokens: 10, windowMs: 1000 });
    expect(settings.budgets.writes).toEqual(parseBudget('writes', DEFAULT_BUDGETS.writes));
    expect(settings.budgets.forced).toBeUndefined();
    expect(reports).toEqual([
      expect.stringMatching(/^RATE_LIMIT_WRITES: "lots" is not a budget.*Using "300 per 1m"\.$/),
    ]);
  });

  it('uses the defaults when no var is set', () => {
    const settings = rateLimitSettingsFrom({}, () => expect.unreachable());
    expect(settings.prefix).toBe('edge-api');
    expect(Object.keys(settings.budgets)).toEqual(['reads', 'writes', 'forced']);
  });
});
