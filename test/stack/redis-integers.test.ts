// Integer arguments as Redis reads them, shared by the in-memory backend's commands.
import { describe, expect, it } from 'vitest';
import { longLongOf, parseLongLong, parseRangeLong } from '../../stack/upstash/redis-integers';

describe('redis-integers', () => {
  it('reads 64-bit integers strictly (string2ll)', () => {
    expect(longLongOf('9223372036854775807')).toBe(9223372036854775807n);
    expect(longLongOf('-9223372036854775808')).toBe(-9223372036854775808n);
    for (const bad of ['9223372036854775808', '-0', '01', '+1', '1.0', ' 1', '', '00000000000000000000001']) {
      expect(longLongOf(bad), bad).toBeUndefined();
    }
  });

  it('answers Redis error texts', () => {
    expect(() => parseLongLong('x')).toThrow('ERR value is not an integer or out of range');
    expect(() => parseLongLong('x', 'ERR bit offset is not an integer or out of range')).toThrow(/bit offset/);
    expect(parseRangeLong('5', 0n, 10n)).toBe(5n);
    expect(() => parseRangeLong('11', 0n, 10n)).toThrow('ERR value is out of range, value must between 0 and 10');
    expect(() => parseRangeLong('11', 0n, 10n, 'count is out of range')).toThrow('ERR count is out of range');
  });
});
