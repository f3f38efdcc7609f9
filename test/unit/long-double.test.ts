// The x87 long double emulation behind INCRBYFLOAT and HINCRBYFLOAT; every expected text is what
// Redis 7.0.15 on x86-64 answered for the same increments.
import { describe, expect, it } from 'vitest';
import {
  addLongDoubles,
  formatLongDouble,
  isFiniteLongDouble,
  type LongDouble,
  parseLongDouble,
} from '../../stack/upstash/long-double';

function parsed(text: string): LongDouble {
  const value = parseLongDouble(text);
  if (value === undefined) throw new Error(`${text} did not parse`);
  return value;
}

/** INCRBYFLOAT's answer for a key holding `stored`, incremented by `increment`. */
function incremented(stored: string, increment: string): string {
  return formatLongDouble(addLongDoubles(parsed(stored), parsed(increment)));
}

describe('long double sums as INCRBYFLOAT prints them', () => {
  it.each([
    ['10.50', '0.1', '10.6'],
    ['10.6', '-5.1', '5.5'],
    ['5.5', '5e3', '5005.5'],
    ['0', '3.0000000000000004', '3.0000000000000004'],
    ['0.1', '0.2', '0.3'],
    ['0', '1.5e-7', '0.00000015'],
    ['0', '1.5E+2', '150'],
    ['0', '+.5', '0.5'],
    ['0', '5.', '5'],
    ['0', '0x1.8p1', '3'],
    ['0', '0X1P-2', '0.25'],
    ['9223372036854775807', '1', '9223372036854775808'],
    ['0', '1.00000000000000000001', '1'],
    ['0', '-0.00000000000000000001', '0'],
    ['0', '-0', '0'],
    ['0', '1e-4940', '0'],
    ['0', '0e-99999', '0'],
    ['5.50000015', '1e-4940', '5.50000015'],
  ])('%s + %s = %s', (stored, increment, expected) => {
    expect(incremented(stored, increment)).toBe(expected);
  });

  it('rounds a tie at the 17th decimal to even, as glibc printf does', () => {
    expect(incremented('0', '0.000003814697265625')).toBe('0.00000381469726562');
    expect(incremented('0', '0.000011444091796875')).toBe('0.00001144409179688');
  });

  it("prints large values in full, with the long double's own digits", () => {
    expect(incremented('5005.5', '1e300')).toBe(
      '10000000000000000000089973240795591938705239442732907479382600823212656465961809357558491520837504971903' +
        '50372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370' +
        '030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144',
    );
    const largest = incremented('0', '1.18973149535723176502e4932');
    expect(largest).toHaveLength(4933);
    expect(largest.slice(0, 60)).toBe('118973149535723176502126385303097020516906332229462420044032');
    expect(incremented(largest, '-1.18973149535723176502e4932')).toBe('0');
  });

  it('overflows to an infinite sum, which the commands refuse', () => {
    expect(isFiniteLongDouble(addLongDoubles(parsed('1e4932'), parsed('1.1e4932')))).toBe(false);
    expect(isFiniteLongDouble(addLongDoubles(parsed('inf'), parsed('1')))).toBe(false);
    expect(Number.isNaN(addLongDoubles(parsed('inf'), parsed('-infinity')))).toBe(true);
  });
});

describe('parseLongDouble', () => {
  it.each([
    '',
    ' 1',
    '1 ',
    '.',
    '1e',
    'e5',
    '-',
    '+',
    'nan',
    'NaN',
    'nan(1)',
    '0x',
    '0x1p',
    '0xg',
    '1,5',
    '1e5000',
    '1e4933',
    '1e-5000',
    '1e-4951',
    '١',
    '1\u00000',
    '--1',
    `1${'0'.repeat(5119)}`,
  ])('refuses %j', (text) => {
    expect(parseLongDouble(text)).toBeUndefined();
  });

  it('accepts infinities by name, and the smallest subnormals', () => {
    expect(parseLongDouble('inf')).toBe(Infinity);
    expect(parseLongDouble('-Infinity')).toBe(-Infinity);
    expect(parseLongDouble('INF')).toBe(Infinity);
    expect(parsed('4e-4951')).toEqual({ significand: 1n, exponent: -16445 });
    expect(parsed('0x1p-16445')).toEqual({ significand: 1n, exponent: -16445 });
    expect(parseLongDouble('0x1p-16446')).toBeUndefined(); // half the smallest: a tie, rounded to even zero
  });

  it('reads 64 significant bits, rounding the rest to nearest even', () => {
    expect(parsed('18446744073709551615')).toEqual({ significand: 18446744073709551615n, exponent: 0 });
    // 2^64 + 1 is a tie between 2^64 and 2^64 + 2: the even significand wins.
    expect(incremented('18446744073709551617', '0')).toBe('18446744073709551616');
    expect(incremented('18446744073709551619', '0')).toBe('18446744073709551620');
  });
});
