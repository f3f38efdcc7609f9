// BITFIELD's integers (bitops.c, Redis 7.0): signed or unsigned, 1 to 64 bits, at any bit offset,
// most significant bit first (bit 0 is the top bit of byte 0, as for SETBIT), with Redis's overflow
// rules. BigInt wrapped to 64 bits stands in for C's int64_t and uint64_t.

export type Overflow = 'WRAP' | 'SAT' | 'FAIL';

export interface FieldType {
  signed: boolean;
  bits: number;
}

const asInt64 = (value: bigint) => BigInt.asIntN(64, value);
const asUint64 = (value: bigint) => BigInt.asUintN(64, value);

/** The field as an unsigned integer; bytes past the end read as zero. */
function getUnsigned(bytes: Uint8Array, offset: number, bits: number): bigint {
  let value = 0n;
  for (let bit = offset; bit < offset + bits; bit++) {
    value = (value << 1n) | BigInt(((bytes[Math.floor(bit / 8)] ?? 0) >> (7 - (bit % 8))) & 1);
  }
  return value;
}

/** The field's value: unsigned, or two's complement when signed. */
export function getField(bytes: Uint8Array, offset: number, { signed, bits }: FieldType): bigint {
  const value = getUnsigned(bytes, offset, bits);
  return signed ? BigInt.asIntN(bits, value) : value;
}

/** Writes the low `bits` bits of `value`; `bytes` must reach the field's last bit. */
export function setField(bytes: Uint8Array, offset: number, { bits }: FieldType, value: bigint): void {
  const unsigned = asUint64(value);
  for (let j = 0; j < bits; j++) {
    const bit = offset + j;
    const at = Math.floor(bit / 8); // offsets reach 2^32: past what JS bit shifts take
    const mask = 1 << (7 - (bit % 8));
    bytes[at] = (unsigned >> BigInt(bits - 1 - j)) & 1n ? bytes[at]! | mask : bytes[at]! & ~mask;
  }
}

/**
 * `value + increment` as the field stores it (checkSignedBitfieldOverflow and its unsigned twin): the sum when it
 * fits, otherwise what WRAP or SAT makes of it, or null for FAIL. `value` is C's int64 (signed) or uint64 (unsigned).
 */
export function addToField(
  value: bigint,
  increment: bigint,
  { signed, bits }: FieldType,
  overflow: Overflow,
): bigint | null {
  const direction = signed ? signedOverflow(value, increment, bits) : unsignedOverflow(value, increment, bits);
  const sum = asUint64(value + increment);
  if (direction === 0) return signed ? asInt64(sum) : sum;
  if (overflow === 'FAIL') return null;
  if (overflow === 'WRAP') return signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum);
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -max - 1n : 0n;
  return direction > 0 ? max : min;
}

function unsignedOverflow(value: bigint, increment: bigint, bits: number): -1 | 0 | 1 {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncrement = asInt64(max - value);
  const minIncrement = asInt64(-value);
  if (value > max || (increment > 0n && increment > maxIncrement)) return 1;
  if (increment < 0n && increment < minIncrement) return -1;
  return 0;
}

function signedOverflow(value: bigint, increment: bigint, bits: number): -1 | 0 | 1 {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  // Wrapped as in C, where these may overflow; for 64-bit fields Redis relies on them only where they cannot.
  const maxIncrement = asInt64(max - value);
  const minIncrement = asInt64(min - value);
  const above = bits !== 64 || (value >= 0n && increment > 0n);
  if (value > max || (above && increment > maxIncrement)) return 1;
  const below = bits !== 64 || (value < 0n && increment < 0n);
  if (value < min || (below && increment < minIncrement)) return -1;
  return 0;
}
