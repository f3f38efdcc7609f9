// Bit commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, and BITFIELD, BITFIELD_RO from memory-bitfield-command.ts) on
// stored strings for the in-memory backend, with Redis 7's replies and errors (checked against real Redis by
// upstash-backends-agree.test.ts).
// Bit 0 is the most significant bit of byte 0. Bit offsets reach 2^32 - 1 (a 512 MB string), past what JS bit
// shifts take, hence the divisions. Bitmaps with bytes that are not UTF-8 read exactly here, but as text in
// GET, STRLEN and the other string commands (stored-bytes.ts).

import { grown, parseBitOffset, SYNTAX_ERROR } from './bit-arguments';
import { bitfield } from './memory-bitfield-command';
import { commandTable } from './memory-store';
import { ReplyError } from './redis-backend';
import { parseLongLong } from './redis-integers';
import { readBytes, writeBytes } from './stored-bytes';

const { commands, define } = commandTable();
export const bitCommands = commands;

const BAD_BIT = 'ERR bit is not an integer or out of range';

/** BIT or BYTE, case-insensitively; true for BIT. */
function parseUnit(text: string | undefined): boolean {
  const unit = text?.toUpperCase() ?? 'BYTE';
  if (unit !== 'BIT' && unit !== 'BYTE') throw new ReplyError(SYNTAX_ERROR);
  return unit === 'BIT';
}

const bitAt = (bytes: Uint8Array, offset: number) => ((bytes[Math.floor(offset / 8)] ?? 0) >> (7 - (offset % 8))) & 1;

/** SETBIT key offset 0|1: the previous bit; the string grows with zero bytes to reach it. */
define('SETBIT', 4, ({ redis }, [key = '', offsetText = '', bitText = '']) => {
  const offset = parseBitOffset(offsetText);
  const bit = parseLongLong(bitText, BAD_BIT);
  if (bit !== 0n && bit !== 1n) throw new ReplyError(BAD_BIT);
  const bytes = grown(readBytes(redis, key), Math.floor(offset / 8) + 1);
  const previous = bitAt(bytes, offset);
  const at = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset % 8));
  bytes[at] = bit ? bytes[at]! | mask : bytes[at]! & ~mask;
  writeBytes(redis, key, bytes);
  return previous;
});

define('GETBIT', 3, ({ redis }, [key = '', offsetText = '']) => {
  const offset = parseBitOffset(offsetText);
  const bytes = readBytes(redis, key);
  return bytes ? bitAt(bytes, offset) : 0;
});

/**
 * The first and last bit of start..end (negative counts from the end), in bytes or bits, clamped as BITCOUNT and
 * BITPOS clamp them: an end before the string's start means its first byte or bit, not "nothing". Empty: first > last.
 */
function bitRange(length: number, start: bigint, end: bigint, inBits: boolean): [first: number, last: number] {
  const total = BigInt(inBits ? length * 8 : length);
  let [first, last] = [start < 0n ? total + start : start, end < 0n ? total + end : end];
  if (first < 0n) first = 0n;
  if (last < 0n) last = 0n;
  if (last >= total) last = total - 1n;
  if (first > last) return [1, 0];
  return inBits ? [Number(first), Number(last)] : [Number(first) * 8, Number(last) * 8 + 7];
}

const bitsInByte = Array.from({ length: 256 }, (_, byte) => byte.toString(2).replaceAll('0', '').length);

function countBits(bytes: Uint8Array, first: number, last: number): number {
  let count = 0;
  for (let at = Math.floor(first / 8); at <= Math.floor(last / 8); at++) {
    const from = Math.max(first - at * 8, 0);
    const to = Math.min(last - at * 8, 7);
    const mask = (0xff >> from) & (0xff << (7 - to));
    count += bitsInByte[bytes[at]! & mask]!;
  }
  return count;
}

/** BITCOUNT key [start end [BYTE|BIT]] */
define('BITCOUNT', -2, ({ redis }, [key = '', ...range]) => {
  const bytes = readBytes(redis, key);
  if (bytes === null) return 0;
  if (range.length === 0) return countBits(bytes, 0, bytes.length * 8 - 1);
  if (range.length > 3 || range.length === 1) throw new ReplyError(SYNTAX_ERROR);
  const [start, end] = [parseLongLong(range[0]!), parseLongLong(range[1]!)];
  if (start < 0n && end < 0n && start > end) return 0;
  const [first, last] = bitRange(bytes.length, start, end, parseUnit(range[2]));
  return first > last ? 0 : countBits(bytes, first, last);
});

/** The offset of the first bit equal to `bit` in first..last, or -1. */
function findBit(bytes: Uint8Array, bit: number, first: number, last: number): number {
  const skipped = bit ? 0 : 0xff;
  for (let offset = first; offset <= last; ) {
    if (offset % 8 === 0 && offset + 7 <= last && bytes[offset / 8] === skipped) {
      offset += 8;
      continue;
    }
    if (bitAt(bytes, offset) === bit) return offset;
    offset++;
  }
  return -1;
}

/**
 * BITPOS key 0|1 [start [end [BYTE|BIT]]]: a missing key is all zeros; with no end, a string of ones is
 * followed by zeros (the answer is its length in bits), but not with an explicit end.
 */
define('BITPOS', -3, ({ redis }, [key = '', bitText = '', ...range]) => {
  const bit = parseLongLong(bitText);
  if (bit !== 0n && bit !== 1n) throw new ReplyError('ERR The bit argument must be 1 or 0.');
  const bytes = readBytes(redis, key);
  if (bytes === null) return bit ? -1 : 0;
  if (range.length > 3) throw new ReplyError(SYNTAX_ERROR);
  const start = range.length > 0 ? parseLongLong(range[0]!) : 0n;
  const inBits = parseUnit(range[2]);
  const endGiven = range.length >= 2;
  const end = endGiven ? parseLongLong(range[1]!) : BigInt(bytes.length - 1);
  const [first, last] = bitRange(bytes.length, start, end, inBits);
  if (first > last) return -1;
  const found = findBit(bytes, Number(bit), first, last);
  if (found >= 0 || bit === 1n) return found;
  return endGiven ? -1 : last + 1;
});

/** BITOP AND|OR|XOR|NOT destkey key [key ...]: the result's length; missing keys are empty strings. */
define('BITOP', -4, ({ redis }, [operation = '', destination = '', ...keys]) => {
  const op = operation.toUpperCase();
  if (!['AND', 'OR', 'XOR', 'NOT'].includes(op)) throw new ReplyError(SYNTAX_ERROR);
  if (op === 'NOT' && keys.length !== 1) throw new ReplyError('ERR BITOP NOT must be called with a single source key.');
  const sources = keys.map((key) => readBytes(redis, key) ?? new Uint8Array(0));
  const length = Math.max(...sources.map((source) => source.length));
  if (length === 0) {
    redis.del(destination); // an empty result deletes the destination
    return 0;
  }
  const result = new Uint8Array(length);
  for (let at = 0; at < length; at++) {
    let byte = sources[0]![at] ?? 0; // shorter strings are zero-padded
    if (op === 'NOT') byte = ~byte;
    for (const source of sources.slice(1)) {
      const other = source[at] ?? 0;
      byte = op === 'AND' ? byte & other : op === 'OR' ? byte | other : byte ^ other;
    }
    result[at] = byte;
  }
  writeBytes(redis, destination, result, false); // stored as SET stores: any TTL goes
  return length;
});

define('BITFIELD', -2, bitfield(false));
define('BITFIELD_RO', -2, bitfield(true));
