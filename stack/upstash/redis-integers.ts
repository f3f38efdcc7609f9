// Integer arguments as Redis reads them (util.c's string2ll; object.c's getRangeLongFromObjectOrReply),
// with their error texts. BigInt, because Redis accepts the whole 64-bit range
// (SRANDMEMBER key -9223372036854775807) and a JS number does not hold it.
import { ReplyError } from './redis-backend';

export const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -LONG_MAX - 1n;
const NOT_AN_INTEGER = 'ERR value is not an integer or out of range';

/** string2ll: no sign but `-`, no leading zero, no space, within a signed 64-bit integer; undefined otherwise. */
export function longLongOf(text: string): bigint | undefined {
  if (text.length > 20 || !/^(0|-?[1-9]\d*)$/.test(text)) return undefined;
  const value = BigInt(text);
  return value >= LONG_MIN && value <= LONG_MAX ? value : undefined;
}

/** A 64-bit integer argument, or the error reply `error`. */
export function parseLongLong(text: string, error = NOT_AN_INTEGER): bigint {
  const value = longLongOf(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}

/**
 * `text` as a long in `min`..`max`. `message` (without `ERR `), when given, replaces both of Redis's
 * errors, as the callers that pass one to getRangeLongFromObjectOrReply get it.
 */
export function parseRangeLong(text: string, min: bigint, max: bigint, message?: string): bigint {
  const value = parseLongLong(text, `ERR ${message ?? 'value is not an integer or out of range'}`);
  if (value < min || value > max) {
    throw new ReplyError(`ERR ${message ?? `value is out of range, value must between ${min} and ${max}`}`);
  }
  return value;
}
