// INCRBYFLOAT and HINCRBYFLOAT compute in C's `long double`, which on x86-64 (where Redis runs)
// is the x87 80-bit format: a 64-bit significand, exponents down to 2^-16382 (subnormals to
// 2^-16445) and up to 2^16383. Redis 7.0 parses with strtold, adds once, and prints with
// `%.17Lf` minus trailing zeros (util.c, ld2string's LD_STR_HUMAN): 0.1 + 0.2 is 0.3 there, and
// 1e300 prints as its 301 digits. A JS double would differ, so this emulates the format exactly
// with BigInt: every finite value is significand × 2^exponent, rounded to nearest, ties to even.

/** A finite value (significand × 2^exponent, |significand| < 2^64), or ±Infinity / NaN as a number. */
export type LongDouble = { significand: bigint; exponent: number } | number;

const SIGNIFICAND_BITS = 64;
/** The exponent of the smallest subnormal's unit: 2^-16382 × 2^-63. */
const MIN_UNIT_EXPONENT = -16445;
/** The exponent of the largest finite value's leading bit. */
const MAX_LEADING_EXPONENT = 16383;
/** string2ld refuses a text of MAX_LONG_DOUBLE_CHARS (5 × 1024) bytes or more. */
const MAX_TEXT_BYTES = 5 * 1024;

export const LONG_DOUBLE_ZERO: LongDouble = { significand: 0n, exponent: 0 };

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** `value / 2^shift` rounded to nearest, ties to even (value ≥ 0, shift > 0). */
function shiftRoundingToEven(value: bigint, shift: number): bigint {
  const bits = BigInt(shift);
  const quotient = value >> bits;
  const remainder = value - (quotient << bits);
  const half = 1n << (bits - 1n);
  return remainder > half || (remainder === half && (quotient & 1n) === 1n) ? quotient + 1n : quotient;
}

/** The nearest long double to `magnitude × 2^exponent` (magnitude ≥ 0), with the sign given apart. */
function fromDyadic(negative: boolean, magnitude: bigint, exponent: number): LongDouble {
  if (magnitude === 0n) return LONG_DOUBLE_ZERO;
  const unit = Math.max(exponent + bitLength(magnitude) - SIGNIFICAND_BITS, MIN_UNIT_EXPONENT);
  if (exponent < unit) {
    magnitude = shiftRoundingToEven(magnitude, unit - exponent);
    exponent = unit;
  }
  if (magnitude === 0n) return LONG_DOUBLE_ZERO;
  if (exponent + bitLength(magnitude) - 1 > MAX_LEADING_EXPONENT) return negative ? -Infinity : Infinity;
  return { significand: negative ? -magnitude : magnitude, exponent };
}

/** The nearest long double to `numerator / denominator` (both > 0). */
function fromRatio(negative: boolean, numerator: bigint, denominator: bigint): LongDouble {
  // The leading bit's exponent: floor(log2(numerator / denominator)).
  let leading = bitLength(numerator) - bitLength(denominator);
  const below = leading >= 0 ? numerator < denominator << BigInt(leading) : numerator << BigInt(-leading) < denominator;
  if (below) leading--;
  const unit = Math.max(leading - SIGNIFICAND_BITS + 1, MIN_UNIT_EXPONENT);
  const scaledNumerator = unit < 0 ? numerator << BigInt(-unit) : numerator;
  const scaledDenominator = unit > 0 ? denominator << BigInt(unit) : denominator;
  let quotient = scaledNumerator / scaledDenominator;
  const twiceRemainder = 2n * (scaledNumerator - quotient * scaledDenominator);
  const odd = (quotient & 1n) === 1n;
  if (twiceRemainder > scaledDenominator || (twiceRemainder === scaledDenominator && odd)) quotient++;
  return fromDyadic(negative, quotient, unit);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;
const HEXADECIMAL = /^([+-]?)0x([\da-f]*)(?:\.([\da-f]*))?(?:p([+-]?\d+))?$/i;
const INFINITY = /^([+-]?)inf(inity)?$/i;

/**
 * The value of `text` as Redis's string2ld reads it (strtold, the whole text, no leading space,
 * no NaN, no overflow, no underflow to zero), or undefined when Redis would refuse it.
 * Accepts what strtold accepts: decimal, hexadecimal (`0x1.8p1`), `inf` and `infinity`.
 */
export function parseLongDouble(text: string): LongDouble | undefined {
  if (text.length === 0 || new TextEncoder().encode(text).length >= MAX_TEXT_BYTES) return undefined;
  const infinity = INFINITY.exec(text);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  const hex = HEXADECIMAL.exec(text);
  const decimal = hex ? null : DECIMAL.exec(text);
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = hex ?? decimal ?? [];
  if ((!hex && !decimal) || whole.length + fraction.length === 0) return undefined;
  const negative = sign === '-';
  const exponent = Number(exponentText);
  return hex
    ? readHexadecimal(negative, BigInt(`0x${whole}${fraction}`), exponent - 4 * fraction.length)
    : readDecimal(negative, `${whole}${fraction}`.replace(/^0+/, ''), exponent - fraction.length);
}

/** `digits × 10^power`; overflow and underflow to zero are refused, as strtold's ERANGE is. */
function readDecimal(negative: boolean, digits: string, power: number): LongDouble | undefined {
  if (digits.length === 0) return LONG_DOUBLE_ZERO;
  // The value lies in [10^(magnitude - 1), 10^magnitude): beyond ~1.19e4932 or below half the
  // smallest subnormal (~1.8e-4951) without computing.
  const magnitude = digits.length + power;
  if (magnitude > 4934) return undefined;
  if (magnitude <= -4951) return undefined;
  const significand = BigInt(digits);
  const value =
    power >= 0
      ? fromDyadic(negative, significand * 10n ** BigInt(power), 0)
      : fromRatio(negative, significand, 10n ** BigInt(-power));
  return isRepresentable(value) ? value : undefined;
}

/** `significand × 2^power`, refused on overflow and underflow to zero. */
function readHexadecimal(negative: boolean, significand: bigint, power: number): LongDouble | undefined {
  if (significand === 0n) return LONG_DOUBLE_ZERO;
  const leading = bitLength(significand) - 1 + power;
  if (leading > MAX_LEADING_EXPONENT + 1) return undefined;
  if (leading < MIN_UNIT_EXPONENT - 2) return undefined;
  const value = fromDyadic(negative, significand, power);
  return isRepresentable(value) ? value : undefined;
}

/** Neither rounded to infinity nor to zero (the input was not zero). */
function isRepresentable(value: LongDouble): boolean {
  return typeof value !== 'number' && value.significand !== 0n;
}

export function isFiniteLongDouble(value: LongDouble): value is { significand: bigint; exponent: number } {
  return typeof value !== 'number';
}

/** `a + b` rounded once, as the x87 unit adds in extended precision. */
export function addLongDoubles(a: LongDouble, b: LongDouble): LongDouble {
  if (typeof a === 'number' || typeof b === 'number') return asNumber(a) + asNumber(b);
  const exponent = Math.min(a.exponent, b.exponent);
  const sum = (a.significand << BigInt(a.exponent - exponent)) + (b.significand << BigInt(b.exponent - exponent));
  return fromDyadic(sum < 0n, sum < 0n ? -sum : sum, exponent);
}

/** Only for the infinite cases: a finite value's sign is all that matters next to an infinity. */
function asNumber(value: LongDouble): number {
  return typeof value === 'number' ? value : value.significand < 0n ? -1 : value.significand > 0n ? 1 : 0;
}

const SEVENTEEN_DIGITS = 10n ** 17n;

/** `%.17Lf` with the trailing zeros (and a bare `.`) removed, and `-0` printed as `0`: ld2string's LD_STR_HUMAN. */
export function formatLongDouble(value: LongDouble): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const negative = value.significand < 0n;
  const magnitude = negative ? -value.significand : value.significand;
  // The value × 10^17, rounded to an integer as glibc's printf rounds: to nearest, ties to even.
  const scaled =
    value.exponent >= 0
      ? (magnitude << BigInt(value.exponent)) * SEVENTEEN_DIGITS
      : shiftRoundingToEven(magnitude * SEVENTEEN_DIGITS, -value.exponent);
  const digits = scaled.toString().padStart(18, '0');
  const fraction = digits.slice(-17).replace(/0+$/, '');
  const text = `${negative ? '-' : ''}${digits.slice(0, -17)}${fraction ? `.${fraction}` : ''}`;
  return text === '-0' ? '0' : text;
}
