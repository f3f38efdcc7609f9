// Doubles read and printed exactly as Redis 7.0 does in C: strtod's syntax (string2d), printf's
// correctly rounded "%f" and "%.17Lf" (ld2string's human form), and fixedpoint_d2string.
// JavaScript's own number printing differs (shortest form, other rounding), so these work on the
// double's exact binary value with BigInts.

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const HEX = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i;
const INFINITY = /^[+-]?inf(inity)?$/i;

/**
 * The double Redis reads from `text` (string2d: all of it must be strtod syntax, no leading space;
 * NaN, overflow and underflow to zero are refused), or undefined.
 */
export function parseDouble(text: string): number | undefined {
  if (INFINITY.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  let value: number;
  let nonZeroDigits: boolean;
  const hex = HEX.exec(text);
  if (DECIMAL.test(text)) {
    value = Number(text);
    nonZeroDigits = /[1-9]/.test(text.split(/e/i)[0]!);
  } else if (hex && (hex[2] || hex[3])) {
    const [, sign, whole = '', fraction = '', exponent = '0'] = hex;
    const mantissa = BigInt(`0x${whole}${fraction}`);
    value = (sign === '-' ? -1 : 1) * Number(mantissa) * 2 ** (Number(exponent) - 4 * fraction.length);
    nonZeroDigits = mantissa !== 0n;
  } else return undefined;
  if (!Number.isFinite(value) || (value === 0 && nonZeroDigits)) return undefined; // ERANGE
  return value;
}

/** The double's exact value as sign, integer mantissa and power of two. */
function exactParts(value: number): { negative: boolean; mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return {
    negative: bits >> 63n === 1n,
    mantissa: biased === 0 ? fraction : fraction | (1n << 52n),
    exponent: (biased === 0 ? 1 : biased) - 1075,
  };
}

/** printf's "%.<digits>f" for a finite double: exact, ties to even (glibc). */
export function toFixedExact(value: number, digits: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const { negative, mantissa, exponent } = exactParts(value);
  const scaled = mantissa * 10n ** BigInt(digits);
  let units: bigint;
  if (exponent >= 0) units = scaled << BigInt(exponent);
  else {
    const divisor = 1n << BigInt(-exponent);
    units = scaled / divisor;
    const twiceRest = (scaled % divisor) * 2n;
    if (twiceRest > divisor || (twiceRest === divisor && units % 2n === 1n)) units++;
  }
  const text = units.toString().padStart(digits + 1, '0');
  const point = text.length - digits;
  return (negative ? '-' : '') + text.slice(0, point) + (digits > 0 ? '.' + text.slice(point) : '');
}

/** ld2string's human form, how GEOPOS and WITHCOORD print coordinates: "%.17Lf" less trailing zeros. */
export function humanDouble(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  let text = toFixedExact(value, 17).replace(/0+$/, '').replace(/\.$/, '');
  if (text === '-0') text = '0';
  return text;
}

/** fixedpoint_d2string(…, 4): how distances print (llrint, so ties to even). */
export function distanceText(value: number): string {
  if (value === 0) return '0.0000';
  const scaled = value * 10000;
  // llrint of NaN or of what a long long cannot hold gives LLONG_MIN on x86-64.
  const units = Number.isNaN(scaled) || Math.abs(scaled) >= 2 ** 63 ? -(2n ** 63n) : BigInt(roundHalfEven(scaled));
  const digits = (units < 0n ? -units : units).toString().padStart(5, '0');
  return (units < 0n ? '-' : '') + digits.slice(0, -4) + '.' + digits.slice(-4);
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
