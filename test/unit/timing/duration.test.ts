import { describe, expect, it } from 'vitest';
import { toMilliseconds } from '../../../src/timing/duration';

describe('toMilliseconds', () => {
  it.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
    ['2 s', 2000],
    ['0s', 0],
  ])('%s is %i ms', (duration, ms) => expect(toMilliseconds(duration)).toBe(ms));

  it.each(['', '60', 's', '-1s', '1w', '1e3s', 'abc'])('rejects %j', (duration) => {
    expect(() => toMilliseconds(duration)).toThrow(/Invalid duration/);
  });
});
