// Arguments of the bit commands as Redis reads them (bitops.c, util.c's string2ll), and the zero padding their
// writes grow strings by.
import { ReplyError } from './redis-backend';
import { parseLongLong } from './redis-integers';

export const SYNTAX_ERROR = 'ERR syntax error';
const BAD_OFFSET = 'ERR bit offset is not an integer or out of range';
/** Redis's proto-max-bulk-len default: no bit offset may reach past a 512 MB string. */
const MAX_STRING_BYTES = 512n * 1024n * 1024n;

/** A bit offset; BITFIELD's `#n` means the n-th field of `fieldBits` bits (getBitOffsetFromArgument). */
export function parseBitOffset(text: string, fieldBits = 0): number {
  const counted = fieldBits > 0 && text.startsWith('#');
  let offset = parseLongLong(counted ? text.slice(1) : text, BAD_OFFSET);
  if (counted) offset = BigInt.asIntN(64, offset * BigInt(fieldBits)); // wraps as C's multiplication does
  if (offset < 0n || offset / 8n >= MAX_STRING_BYTES) throw new ReplyError(BAD_OFFSET);
  return Number(offset);
}

/** `bytes`, zero-padded to at least `length` bytes, as bit writes grow a string. */
export function grown(bytes: Uint8Array | null, length: number): Uint8Array {
  if (bytes && bytes.length >= length) return bytes;
  const result = new Uint8Array(length);
  if (bytes) result.set(bytes);
  return result;
}
