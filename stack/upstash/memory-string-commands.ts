// More string commands for the in-memory backend, on the mock's stored strings, with Redis 7's
// replies and errors (checked against real Redis by upstash-backends-agree.test.ts). Lengths and
// offsets count UTF-8 bytes, as Redis does.

import { commandTable, type MemoryCommand, parseInteger, rankRange, wrongArity } from './memory-store';
import { ReplyError } from './redis-backend';
import { expectType } from './stored-structures';
import type { SyncMock } from './sync-mock';

const { commands, define } = commandTable();
export const stringCommands = commands;

function readString(redis: SyncMock, key: string): string | null {
  expectType(redis, key, 'string');
  return redis.get(key);
}

/** Replaces the value and keeps the key's TTL, as APPEND and SETRANGE do. */
function replaceKeepingTtl(redis: SyncMock, key: string, value: string): void {
  const expireAt = redis.pexpiretime(key);
  redis.set(key, value);
  if (expireAt > 0) redis.pexpireat(key, expireAt);
}

define('APPEND', 3, ({ redis }, [key = '', suffix = '']) => {
  const value = (readString(redis, key) ?? '') + suffix;
  replaceKeepingTtl(redis, key, value);
  return Buffer.byteLength(value);
});

define('STRLEN', 2, ({ redis }, [key = '']) => Buffer.byteLength(readString(redis, key) ?? ''));

define('GETRANGE', 4, ({ redis }, [key = '', startText = '', endText = '']) => {
  const [start, end] = [parseInteger(startText), parseInteger(endText)];
  const bytes = Buffer.from(readString(redis, key) ?? '');
  if (start < 0 && end < 0 && start > end) return Buffer.alloc(0);
  const [first, last] = rankRange(bytes.length, start, end);
  return first > last ? Buffer.alloc(0) : Buffer.from(bytes.subarray(first, last + 1));
});

define('SETRANGE', 4, ({ redis }, [key = '', offsetText = '', value = '']) => {
  const offset = parseInteger(offsetText);
  if (offset < 0) throw new ReplyError('ERR offset is out of range');
  const current = Buffer.from(readString(redis, key) ?? '');
  const insert = Buffer.from(value);
  if (insert.length === 0) return current.length; // nothing written, no key made
  const length = Math.max(current.length, offset + insert.length);
  const next = Buffer.alloc(length);
  current.copy(next);
  insert.copy(next, offset);
  replaceKeepingTtl(redis, key, next.toString());
  return length;
});

define('GETDEL', 2, ({ redis }, [key = '']) => {
  const value = readString(redis, key);
  if (value !== null) redis.del(key);
  return value === null ? null : Buffer.from(value);
});

define('GETSET', 3, ({ redis }, [key = '', value = '']) => {
  const previous = readString(redis, key);
  redis.set(key, value); // drops the TTL, as SET does
  return previous === null ? null : Buffer.from(previous);
});

define('SETNX', 3, ({ redis }, [key = '', value = '']) => {
  if (redis.exists(key) === 1) return 0;
  redis.set(key, value);
  return 1;
});

function setWithExpiry(name: string, unitMs: number): MemoryCommand['run'] {
  return ({ redis }, [key = '', amountText = '', value = '']) => {
    const amount = parseInteger(amountText);
    if (amount <= 0) throw new ReplyError(`ERR invalid expire time in '${name}' command`);
    redis.set(key, value);
    redis.pexpireat(key, Date.now() + amount * unitMs);
    return 'OK';
  };
}
define('SETEX', 4, setWithExpiry('setex', 1000));
define('PSETEX', 4, setWithExpiry('psetex', 1));

define('DECRBY', 3, ({ redis }, [key = '', deltaText = '']) => {
  const delta = parseInteger(deltaText);
  const current = readString(redis, key);
  const next = (current === null ? 0 : parseInteger(current)) - delta;
  if (!Number.isSafeInteger(next)) throw new ReplyError('ERR increment or decrement would overflow');
  replaceKeepingTtl(redis, key, String(next));
  return next;
});

define('MSETNX', -3, ({ redis }, pairs) => {
  if (pairs.length % 2 !== 0) throw wrongArity('msetnx');
  for (let i = 0; i < pairs.length; i += 2) if (redis.exists(pairs[i]!) === 1) return 0;
  for (let i = 0; i < pairs.length; i += 2) redis.set(pairs[i]!, pairs[i + 1]!);
  return 1;
});

/** GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST] */
define('GETEX', -2, ({ redis }, [key = '', ...options]) => {
  let expireAt: number | 'persist' | undefined;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toUpperCase();
    if (expireAt !== undefined) throw new ReplyError('ERR syntax error');
    if (option === 'PERSIST') {
      expireAt = 'persist';
      continue;
    }
    const amountText = options[i + 1];
    if (!['EX', 'PX', 'EXAT', 'PXAT'].includes(option) || amountText === undefined)
      throw new ReplyError('ERR syntax error');
    const amount = parseInteger(amountText);
    if (amount <= 0) throw new ReplyError("ERR invalid expire time in 'getex' command");
    expireAt =
      option === 'EX'
        ? Date.now() + amount * 1000
        : option === 'PX'
          ? Date.now() + amount
          : option === 'EXAT'
            ? amount * 1000
            : amount;
    i++;
  }
  const value = readString(redis, key);
  if (value === null) return null;
  if (expireAt === 'persist') redis.persist(key);
  else if (expireAt !== undefined) redis.pexpireat(key, expireAt);
  return Buffer.from(value);
});
