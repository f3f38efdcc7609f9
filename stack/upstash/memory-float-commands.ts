// INCRBYFLOAT and HINCRBYFLOAT for the in-memory backend, computed in the x87 long double Redis
// uses on x86-64 (long-double.ts), with Redis 7's replies and errors (checked against real Redis
// by upstash-backends-agree.test.ts).

import {
  addLongDoubles,
  formatLongDouble,
  isFiniteLongDouble,
  LONG_DOUBLE_ZERO,
  type LongDouble,
  parseLongDouble,
} from './long-double';
import { commandTable } from './memory-store';
import { ReplyError } from './redis-backend';
import { expectType } from './stored-structures';

const { commands, define } = commandTable();
export const floatCommands = commands;

function parseOrFail(text: string, error = 'ERR value is not a valid float'): LongDouble {
  const value = parseLongDouble(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}

/** The sum as Redis stores and answers it, or its error for an infinite or NaN sum. */
function sumText(current: LongDouble, increment: LongDouble): string {
  const sum = addLongDoubles(current, increment);
  if (!isFiniteLongDouble(sum)) throw new ReplyError('ERR increment would produce NaN or Infinity');
  return formatLongDouble(sum);
}

// Redis checks the type, then the stored value, then the increment.
define('INCRBYFLOAT', 3, ({ redis }, [key = '', incrementText = '']) => {
  expectType(redis, key, 'string');
  const stored = redis.get(key);
  const current = stored === null ? LONG_DOUBLE_ZERO : parseOrFail(stored);
  const text = sumText(current, parseOrFail(incrementText));
  const expireAt = redis.pexpiretime(key); // the value is overwritten, the TTL kept
  redis.set(key, text);
  if (expireAt > 0) redis.pexpireat(key, expireAt);
  return Buffer.from(text);
});

// Here the increment comes first, and an infinite one is refused before the key is looked at.
define('HINCRBYFLOAT', 4, ({ redis }, [key = '', field = '', incrementText = '']) => {
  const increment = parseOrFail(incrementText);
  if (!isFiniteLongDouble(increment)) throw new ReplyError('ERR value is NaN or Infinity');
  expectType(redis, key, 'hash');
  const stored = redis.hget(key, field);
  const current = stored === null ? LONG_DOUBLE_ZERO : parseOrFail(stored, 'ERR hash value is not a float');
  const text = sumText(current, increment);
  redis.hset(key, field, text);
  return Buffer.from(text);
});
