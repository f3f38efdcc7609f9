import { describe, expect, it } from 'vitest';
import { distanceText, humanDouble, parseDouble, toFixedExact } from '../../stack/upstash/redis-double-text';

describe('doubles as Redis 7.0 reads and prints them', () => {
  it('reads strtod syntax, refusing what string2d refuses', () => {
    expect(parseDouble('1.5')).toBe(1.5);
    expect(parseDouble('+.5e1')).toBe(5);
    expect(parseDouble('1.')).toBe(1);
    expect(parseDouble('0x10')).toBe(16);
    expect(parseDouble('0x1.8p1')).toBe(3);
    expect(parseDouble('-Infinity')).toBe(-Infinity);
    expect(parseDouble('0e-400')).toBe(0);
    for (const bad of ['', ' 1', '1 ', 'nan', '1e400', '1e-400', '0x', '1e', '.', 'abc']) {
      expect(parseDouble(bad)).toBeUndefined();
    }
  });

  it('prints %f exactly, ties to even', () => {
    expect(toFixedExact(200, 6)).toBe('200.000000');
    expect(toFixedExact(-0.0000001, 6)).toBe('-0.000000');
    expect(toFixedExact(0.5, 0)).toBe('0');
    expect(toFixedExact(1.5, 0)).toBe('2');
    expect(toFixedExact(Infinity, 6)).toBe('inf');
  });

  it('prints coordinates with 17 decimals less trailing zeros, distances with 4 (llrint)', () => {
    expect(humanDouble(85.05112878)).toBe('85.0511287799999991');
    expect(humanDouble(180)).toBe('180');
    expect(humanDouble(-1e-20)).toBe('0');
    expect(distanceText(0)).toBe('0.0000');
    expect(distanceText(0.00125)).toBe('0.0012');
    // biome-ignore lint/correctness/noPrecisionLoss: the distance as written in the case; it reads as the same double.
    expect(distanceText(166274.15156960032)).toBe('166274.1516');
    expect(distanceText(NaN)).toBe('-922337203685477.5808');
  });
});
