// Redis's reading of an integer argument that must fit a C `long` within bounds
// (object.c, getRangeLongFromObjectOrReply), with its two error texts. BigInt, because Redis
// accepts the whole 64-bit range (SRANDMEMBER key -9223372036854775807) and a JS number does not.
import { ReplyError } from './redis-backend';

export const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -LONG_MAX - 1n;

/**
 * `text` as a long in `min`..`max`. `message` (without `ERR `), when given, replaces both of Redis's
 * errors, as the callers that pass one to getRangeLongFromObjectOrReply get it.
 */
export function parseRangeLong(text: string, min: bigint, max: bigint, message?: string): bigint {
  // string2ll's syntax: no sign but `-`, no leading zero, no space.
  const value = /^(0|-?[1-9]\d{0,18})$/.test(text) ? BigInt(text) : undefined;
  if (value === undefined || value < LONG_MIN || value > LONG_MAX) {
    throw new ReplyError(`ERR ${message ?? 'value is not an integer or out of range'}`);
  }
  if (value < min || value > max) {
    throw new ReplyError(`ERR ${message ?? `value is out of range, value must between ${min} and ${max}`}`);
  }
  return value;
}

