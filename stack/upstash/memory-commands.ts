// The data commands of the in-memory backend, on top of ioredis-mock.
// The mock stores data well but is loose at the edges: it matches options in upper case only
// (the client sends lower case), skips most type and integer checks, and answers in ioredis
// shapes. So each command validates its arguments as Redis does, calls the mock, and shapes
// the answer as the raw RESP2 reply Redis would send. Commands run synchronously (sync-mock.ts),
// so scripts call these same commands through redis.call().

import {
  commandTable,
  type MemoryCommand,
  type MemoryStore,
  parseInteger,
  rankRange,
  wrongArity,
} from './memory-store';
import { type Reply, ReplyError } from './redis-backend';
import { type LexBound, type ScoreBound, type ScoredMember, SORTED_SET, SortedSet } from './sorted-set';
import { expectType, sortedSetAt, typeOf } from './stored-structures';
import type { SyncMock } from './sync-mock';

const SYNTAX_ERROR = 'ERR syntax error';
const OVERFLOW = 'ERR increment or decrement would overflow';

const { commands, define } = commandTable();
export const dataCommands = commands;

export function parseScore(text: string): number {
  const lower = text.toLowerCase();
  if (/^[+-]?inf$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) throw new ReplyError('ERR value is not a valid float');
  return Number(text);
}

/** Shortest round-trip form, as Redis 7.2+ prints scores (7.0 prints 17 digits: 0.10000000000000001). */
export function formatScore(score: number): Buffer {
  return Buffer.from(Number.isFinite(score) ? String(score) : score > 0 ? 'inf' : '-inf');
}

// Keys

define('DEL', -2, ({ redis }, keys) => redis.del(...keys));
define('UNLINK', -2, ({ redis }, keys) => redis.unlink(...keys));
define('EXISTS', -2, ({ redis }, keys) => redis.exists(...keys));
define('TYPE', 2, ({ redis }, [key = '']) => typeOf(redis, key));
define('PTTL', 2, ({ redis }, [key = '']) => redis.pttl(key));
define('TTL', 2, ({ redis }, [key = '']) => {
  const ms = redis.pttl(key);
  return ms < 0 ? ms : Math.floor((ms + 500) / 1000); // Redis rounds to the nearest second, the mock up
});

/** EXPIRE / PEXPIRE key amount [NX|XX|GT|LT]: the mock knows no options. */
function expire(expireAtOf: (amount: number) => number): MemoryCommand['run'] {
  return ({ redis }, [key = '', amount = '', ...options]) => {
    const expireAt = expireAtOf(parseInteger(amount));
    const flags = new Set(options.map((option) => option.toUpperCase()));
    for (const flag of flags) {
      if (!['NX', 'XX', 'GT', 'LT'].includes(flag)) throw new ReplyError(`ERR Unsupported option ${flag}`);
    }
    if (flags.has('NX') && flags.size > 1) {
      throw new ReplyError('ERR NX and XX, GT or LT options at the same time are not compatible');
    }
    if (flags.has('GT') && flags.has('LT')) {
      throw new ReplyError('ERR GT and LT options at the same time are not compatible');
    }
    const current = redis.pexpiretime(key); // -2: no key, -1: no TTL
    if (current === -2) return 0;
    const persistent = current === -1; // counts as an infinite TTL for GT and LT
    const skip =
      (flags.has('NX') && !persistent) ||
      (flags.has('XX') && persistent) ||
      (flags.has('GT') && (persistent || expireAt <= current)) ||
      (flags.has('LT') && !persistent && expireAt >= current);
    return skip ? 0 : redis.pexpireat(key, expireAt);
  };
}
define(
  'EXPIRE',
  -3,
  expire((seconds) => Date.now() + seconds * 1000),
);
define(
  'PEXPIRE',
  -3,
  expire((ms) => Date.now() + ms),
);
define(
  'EXPIREAT',
  -3,
  expire((unixSeconds) => unixSeconds * 1000),
);
define(
  'PEXPIREAT',
  -3,
  expire((unixMs) => unixMs),
);
define('PERSIST', 2, ({ redis }, [key = '']) => redis.persist(key));
define('TOUCH', -2, ({ redis }, keys) => redis.exists(...keys));
define('PEXPIRETIME', 2, ({ redis }, [key = '']) => redis.pexpiretime(key));
define('EXPIRETIME', 2, ({ redis }, [key = '']) => {
  const at = redis.pexpiretime(key);
  return at < 0 ? at : Math.floor(at / 1000);
});

// Strings

define('GET', 2, ({ redis }, [key = '']) => {
  expectType(redis, key, 'string');
  return redis.getBuffer(key);
});

// A key of another type reads as nil; the mock would return the raw structure.
define('MGET', -2, ({ redis }, keys) =>
  redis.mgetBuffer(...keys).map((value) => (Buffer.isBuffer(value) ? value : null)),
);

define('MSET', -3, ({ redis }, args) => {
  if (args.length % 2 !== 0) throw wrongArity('mset');
  redis.mset(...args);
  return 'OK';
});

const EXPIRY_OPTIONS = new Set(['EX', 'PX', 'EXAT', 'PXAT']);

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL], options in any order and case. */
function set({ redis }: MemoryStore, [key = '', value = '', ...options]: string[]): Reply {
  let condition: string | undefined;
  let get = false;
  let keepTtl = false;
  let expiry: { unit: string; amount: string } | undefined;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toUpperCase();
    const amount = options[i + 1];
    if ((option === 'NX' || option === 'XX') && (condition ?? option) === option) condition = option;
    else if (option === 'GET') get = true;
    else if (option === 'KEEPTTL' && !expiry) keepTtl = true;
    else if (EXPIRY_OPTIONS.has(option) && !keepTtl && (expiry?.unit ?? option) === option && amount !== undefined) {
      expiry = { unit: option, amount };
      i++;
    } else throw new ReplyError(SYNTAX_ERROR);
  }
  const expireAt = expiry ? expiryTimestamp(expiry.unit, parseInteger(expiry.amount)) : undefined;

  if (get) expectType(redis, key, 'string');
  const previous = get ? redis.getBuffer(key) : null;
  const exists = redis.exists(key) === 1;
  if ((condition === 'NX' && exists) || (condition === 'XX' && !exists)) return previous;
  const keptExpireAt = keepTtl ? redis.pexpiretime(key) : -1;
  redis.set(key, value); // with no options the mock drops any TTL, as SET does
  const newExpireAt = expireAt ?? keptExpireAt;
  if (newExpireAt > 0) redis.pexpireat(key, newExpireAt);
  return get ? previous : 'OK';
}
define('SET', -3, set);

function expiryTimestamp(unit: string, amount: number): number {
  if (amount <= 0) throw new ReplyError("ERR invalid expire time in 'set' command");
  const now = Date.now();
  if (unit === 'EX') return now + amount * 1000;
  if (unit === 'PX') return now + amount;
  return unit === 'EXAT' ? amount * 1000 : amount;
}

/** Checks what the mock does not: the stored value is an integer and the result stays exact. */
function incrementBy(redis: SyncMock, key: string, delta: number): number {
  expectType(redis, key, 'string');
  const current = redis.get(key);
  const next = (current === null ? 0 : parseInteger(current)) + delta;
  if (!Number.isSafeInteger(next)) throw new ReplyError(OVERFLOW);
  return redis.incrby(key, delta); // keeps the TTL, as INCR does
}
define('INCR', 2, ({ redis }, [key = '']) => incrementBy(redis, key, 1));
define('DECR', 2, ({ redis }, [key = '']) => incrementBy(redis, key, -1));
define('INCRBY', 3, ({ redis }, [key = '', delta = '']) => incrementBy(redis, key, parseInteger(delta)));

// Hashes

define('HSET', -4, ({ redis }, [key = '', ...pairs]) => {
  if (pairs.length % 2 !== 0) throw wrongArity('hset');
  expectType(redis, key, 'hash');
  return redis.hset(key, ...pairs);
});

define('HGET', 3, ({ redis }, [key = '', field = '']) => {
  expectType(redis, key, 'hash');
  return redis.hgetBuffer(key, field);
});

// RESP2 answers a flat [field, value, …] array; the mock builds an object.
define('HGETALL', 2, ({ redis }, [key = '']) => {
  expectType(redis, key, 'hash');
  return Object.entries(redis.hgetallBuffer(key)).flatMap(([field, value]) => [Buffer.from(field), value]);
});

define('HDEL', -3, ({ redis }, [key = '', ...fields]) => {
  expectType(redis, key, 'hash');
  return redis.hdel(key, ...fields);
});

define('HINCRBY', 4, ({ redis }, [key = '', field = '', increment = '']) => {
  const delta = parseInteger(increment);
  expectType(redis, key, 'hash');
  const current = redis.hget(key, field);
  const next = (current === null ? 0 : parseInteger(current, 'ERR hash value is not an integer')) + delta;
  if (!Number.isSafeInteger(next)) throw new ReplyError(OVERFLOW);
  return redis.hincrby(key, field, delta);
});

// Sets

define('SADD', -3, ({ redis }, [key = '', ...members]) => {
  expectType(redis, key, 'set');
  return redis.sadd(key, ...members);
});

define('SREM', -3, ({ redis }, [key = '', ...members]) => {
  expectType(redis, key, 'set');
  return redis.srem(key, ...members);
});

define('SMEMBERS', 2, ({ redis }, [key = '']) => {
  expectType(redis, key, 'set');
  return redis.smembersBuffer(key);
});

define('SISMEMBER', 3, ({ redis }, [key = '', member = '']) => {
  expectType(redis, key, 'set');
  return redis.sismember(key, member);
});

// Sorted sets

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member […] */
define('ZADD', -4, ({ redis }, [key = '', ...args]) => {
  const flags = new Set<string>();
  while (['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'].includes(args[0]?.toUpperCase() ?? '')) {
    flags.add(args.shift()!.toUpperCase());
  }
  if (args.length === 0 || args.length % 2 !== 0) throw new ReplyError(SYNTAX_ERROR);
  if (flags.has('NX') && flags.has('XX')) {
    throw new ReplyError('ERR XX and NX options at the same time are not compatible');
  }
  if ((flags.has('GT') && flags.has('LT')) || ((flags.has('GT') || flags.has('LT')) && flags.has('NX'))) {
    throw new ReplyError('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  const incr = flags.has('INCR');
  if (incr && args.length > 2) throw new ReplyError('ERR INCR option supports a single increment-element pair');
  const pairs: [number, string][] = [];
  for (let i = 0; i < args.length; i += 2) pairs.push([parseScore(args[i]!), args[i + 1]!]);
  expectType(redis, key, 'zset');

  let zset = sortedSetAt(redis, key);
  let added = 0;
  let changed = 0;
  let incremented: number | null = null;
  for (const [score, member] of pairs) {
    const current = zset?.score(member) ?? null;
    const next = incr ? (current ?? 0) + score : score;
    if (Number.isNaN(next)) throw new ReplyError('ERR resulting score is not a number (NaN)');
    const skip =
      (current === null ? flags.has('XX') : flags.has('NX')) ||
      (current !== null && ((flags.has('GT') && next <= current) || (flags.has('LT') && next >= current)));
    if (skip) continue;
    if (!zset) {
      zset = new SortedSet();
      redis.setRaw(key, { [SORTED_SET]: zset });
    }
    zset.set(member, next);
    if (current === null) added++;
    else if (next !== current) changed++;
    incremented = next;
  }
  if (incr) return incremented === null ? null : formatScore(incremented);
  return flags.has('CH') ? added + changed : added;
});

export function parseScoreBound(text: string): ScoreBound {
  const exclusive = text.startsWith('(');
  try {
    return { value: parseScore(exclusive ? text.slice(1) : text), exclusive };
  } catch {
    throw new ReplyError('ERR min or max is not a float');
  }
}

export function parseLexBound(text: string): LexBound {
  if (text === '-' || text === '+') return text;
  if (text.startsWith('[') || text.startsWith('(')) return { member: text.slice(1), exclusive: text.startsWith('(') };
  throw new ReplyError('ERR min or max not valid string range item');
}

/** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES], checked in Redis's order. */
define('ZRANGE', -4, ({ redis }, [key = '', min = '', max = '', ...options]) => {
  let by: 'rank' | 'score' | 'lex' = 'rank';
  let reverse = false;
  let withScores = false;
  let limit: { offset: number; count: number } | undefined;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toUpperCase();
    if (option === 'WITHSCORES') withScores = true;
    else if (option === 'REV') reverse = true;
    else if (option === 'BYSCORE') by = 'score';
    else if (option === 'BYLEX') by = 'lex';
    else if (option === 'LIMIT' && i + 2 < options.length) {
      limit = { offset: parseInteger(options[i + 1]!), count: parseInteger(options[i + 2]!) };
      i += 2;
    } else throw new ReplyError(SYNTAX_ERROR);
  }
  if (limit && by === 'rank')
    throw new ReplyError('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && by === 'lex')
    throw new ReplyError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  // With REV, BYSCORE and BYLEX take the bounds as max, then min.
  const [low, high] = reverse && by !== 'rank' ? [max, min] : [min, max];

  let items: ScoredMember[];
  if (by === 'rank') {
    const start = parseInteger(low);
    const stop = parseInteger(high);
    expectType(redis, key, 'zset');
    const zset = sortedSetAt(redis, key);
    const size = zset?.size ?? 0;
    const [first, last] = rankRange(size, start, stop);
    if (!zset || first > last) return [];
    // Ranks count from the highest score with REV.
    items = reverse ? zset.byRank(size - 1 - last, size - 1 - first).reverse() : zset.byRank(first, last);
  } else {
    const range =
      by === 'score'
        ? { min: parseScoreBound(low), max: parseScoreBound(high) }
        : { min: parseLexBound(low), max: parseLexBound(high) };
    expectType(redis, key, 'zset');
    const zset = sortedSetAt(redis, key);
    if (!zset) return [];
    items =
      by === 'score'
        ? zset.byScore(range.min as ScoreBound, range.max as ScoreBound)
        : zset.byLex(range.min as LexBound, range.max as LexBound);
    if (reverse) items = items.reverse();
    if (limit)
      items =
        limit.offset < 0 ? [] : items.slice(limit.offset, limit.count < 0 ? undefined : limit.offset + limit.count);
  }
  return withScores
    ? items.flatMap(({ member, score }) => [Buffer.from(member), formatScore(score)])
    : items.map(({ member }) => Buffer.from(member));
});

define('ZCARD', 2, ({ redis }, [key = '']) => {
  expectType(redis, key, 'zset');
  return sortedSetAt(redis, key)?.size ?? 0;
});

define('ZSCORE', 3, ({ redis }, [key = '', member = '']) => {
  expectType(redis, key, 'zset');
  const score = sortedSetAt(redis, key)?.score(member);
  return score === undefined ? null : formatScore(score);
});

define('ZREM', -3, ({ redis }, [key = '', ...members]) => {
  expectType(redis, key, 'zset');
  const zset = sortedSetAt(redis, key);
  if (!zset) return 0;
  const removed = members.filter((member) => zset.delete(member)).length;
  if (zset.size === 0) redis.del(key); // Redis drops an emptied key
  return removed;
});

// Publish/subscribe (subscribing is the endpoint's /subscribe and /psubscribe streams)

define('PUBLISH', 3, ({ pubsub }, [channel = '', message = '']) => pubsub.publish(channel, Buffer.from(message)));

// Server

define('PING', -1, (_store, args) => {
  if (args.length > 1) throw wrongArity('ping');
  return args[0] === undefined ? 'PONG' : Buffer.from(args[0]);
});
define('ECHO', 2, (_store, [message = '']) => Buffer.from(message));
define('DBSIZE', 1, ({ redis }) => redis.dbsize());
define('FLUSHDB', -1, ({ redis }, args) => {
  if (args.length > 1 || (args[0] !== undefined && !['ASYNC', 'SYNC'].includes(args[0].toUpperCase()))) {
    throw new ReplyError(SYNTAX_ERROR);
  }
  redis.flushdb();
  return 'OK';
});
