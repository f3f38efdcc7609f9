// The commands that pick at random, for the in-memory backend: HRANDFIELD, SRANDMEMBER, SPOP and
// RANDOMKEY, with Redis 7's argument rules, errors and reply shapes (checked against real Redis by
// upstash-backends-agree.test.ts where the answer is not random). As in Redis, a positive count
// picks distinct elements, a negative one picks that many with repeats, and a count that covers
// the whole collection answers all of it in the collection's order.

import { commandTable } from './memory-store';
import { type Reply, ReplyError } from './redis-backend';
import { LONG_MAX, parseRangeLong } from './redis-integers';
import { expectType } from './stored-structures';
import type { SyncMock } from './sync-mock';

const { commands, define } = commandTable();
export const randomCommands = commands;

const SYNTAX_ERROR = 'ERR syntax error';
/**
 * Redis streams a reply of any length (SRANDMEMBER key -1000000000 on a one-member set); this
 * backend builds the whole reply in memory first, so it refuses one past this many picks.
 */
const MAX_REPEATED_PICKS = 10_000_000;

function randomIndex(length: number): number {
  return Math.floor(Math.random() * length);
}

/** `count` (< items.length) distinct items in random order: the start of a Fisher–Yates shuffle. */
function distinctSample<T>(items: readonly T[], count: number): T[] {
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/**
 * The items a count picks: negative, |count| picks with repeats; positive, distinct ones, or all
 * of them in order when the count covers them.
 */
function pick<T>(items: readonly T[], count: bigint): T[] {
  if (count < 0n) {
    if (-count > BigInt(MAX_REPEATED_PICKS)) {
      throw new ReplyError(`ERR the in-memory backend answers at most ${MAX_REPEATED_PICKS} random picks`);
    }
    return Array.from({ length: Number(-count) }, () => items[randomIndex(items.length)]!);
  }
  return count >= BigInt(items.length) ? [...items] : distinctSample(items, Number(count));
}

const LONG_RANGE = [-LONG_MAX, LONG_MAX] as const;

function readSet(redis: SyncMock, key: string): Buffer[] {
  expectType(redis, key, 'set');
  return redis.smembersBuffer(key);
}

/** SRANDMEMBER key [count] */
define('SRANDMEMBER', -2, ({ redis }, [key = '', countText, ...extra]) => {
  if (extra.length > 0) throw new ReplyError(SYNTAX_ERROR);
  const count = countText === undefined ? undefined : parseRangeLong(countText, ...LONG_RANGE);
  const members = readSet(redis, key);
  if (count === undefined) return members.length === 0 ? null : members[randomIndex(members.length)]!;
  return members.length === 0 ? [] : pick(members, count);
});

/** SPOP key [count]: what it answers is removed, and an emptied set with it. */
define('SPOP', -2, ({ redis }, [key = '', countText, ...extra]) => {
  if (extra.length > 0) throw new ReplyError(SYNTAX_ERROR);
  const count =
    countText === undefined
      ? undefined
      : parseRangeLong(countText, 0n, LONG_MAX, 'value is out of range, must be positive');
  const members = readSet(redis, key);
  const one = () => (members.length > 0 ? [members[randomIndex(members.length)]!] : []);
  const popped = count === undefined ? one() : pick(members, count);
  if (popped.length === members.length) redis.del(key);
  else if (popped.length > 0) redis.srem(key, ...popped.map(String));
  if (count === undefined) return popped[0] ?? null;
  return popped;
});

/** HRANDFIELD key [count [WITHVALUES]] */
define('HRANDFIELD', -2, ({ redis }, [key = '', countText, ...options]) => {
  const count = countText === undefined ? undefined : parseRangeLong(countText, ...LONG_RANGE);
  if (options.length > 1 || (options.length === 1 && options[0]!.toUpperCase() !== 'WITHVALUES')) {
    throw new ReplyError(SYNTAX_ERROR);
  }
  const withValues = options.length === 1;
  // RESP2 answers field and value side by side, so Redis refuses a count it could not double.
  if (withValues && (count! < -LONG_MAX / 2n || count! > LONG_MAX / 2n)) {
    throw new ReplyError('ERR value is out of range');
  }
  expectType(redis, key, 'hash');
  const entries = Object.entries(redis.hgetallBuffer(key));
  if (count === undefined) return entries.length === 0 ? null : Buffer.from(entries[randomIndex(entries.length)]![0]);
  if (entries.length === 0) return [];
  return pick(entries, count).flatMap(([field, value]): Reply[] =>
    withValues ? [Buffer.from(field), value] : [Buffer.from(field)],
  );
});

define('RANDOMKEY', 1, ({ redis }) => {
  const keys = redis.keys('*');
  return keys.length === 0 ? null : Buffer.from(keys[randomIndex(keys.length)]!);
});
