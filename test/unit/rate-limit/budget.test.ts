import { describe, expect, it } from 'vitest';
import { parseBudget } from '../../../src/rate-limit/budget';

describe('parseBudget', () => {
  it('reads "<requests> per <duration>" and "off"', () => {
    expect(parseBudget('reads', '600 per 10s')).toEqual({ name: 'reads', tokens: 600, windowMs: 10_000 });
    expect(parseBudget('writes', ' 60 per 1m ')).toEqual({ name: 'writes', tokens: 60, windowMs: 60_000 });
    expect(parseBudget('forced', 'off')).toBeUndefined();
  });

  it.each([
    '600',
    'per 10s',
    '0 per 10s',
    '-1 per 10s',
    '1.5 per 10s',
    '10 per 500ms',
    '10 per 1500ms',
    '10 per ten seconds',
    '',
  ])('refuses %j, naming the form it wants', (text) => {
    expect(() => parseBudget('reads', text)).toThrow(/"<requests> per <duration>"/);
  });
});
