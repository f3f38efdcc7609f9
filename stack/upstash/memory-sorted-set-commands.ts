// More sorted-set commands for the in-memory backend, on sorted-set.ts, with Redis 7's replies and
// errors (checked against real Redis by upstash-backends-agree.test.ts). The older range commands
// (ZRANGEBYSCORE, ZREVRANGE, …) are ZRANGE with its options, as Redis documents them.
import { ReplyError, type Reply } from './redis-backend';
import { dataCommands, formatScore, parseLexBound, parseScore, parseScoreBound } from './memory-commands';
import { parseInteger, type MemoryCommand, type MemoryStore } from './memory-store';
import { SORTED_SET, SortedSet, type ScoredMember } from './sorted-set';
import { expectType, sortedSetAt } from './stored-structures';

const commands = new Map<string, MemoryCommand>();
export const sortedSetCommands: ReadonlyMap<string, MemoryCommand> = commands;

function define(name: string, arity: number, run: MemoryCommand['run']): void {
  commands.set(name, { arity, run });
}

function readSortedSet(store: MemoryStore, key: string): SortedSet | undefined {
  expectType(store.redis, key, 'zset');
  return sortedSetAt(store.redis, key);
}

const zrange = (store: MemoryStore, args: string[]): Reply => dataCommands.get('ZRANGE')!.run(store, args);

/** Drops the key once the set is empty, as Redis does. */
function dropIfEmpty(store: MemoryStore, key: string, zset: SortedSet): void {
  if (zset.size === 0) store.redis.del(key);
}

define('ZCOUNT', 4, (store, [key = '', min = '', max = '']) => {
  const [low, high] = [parseScoreBound(min), parseScoreBound(max)];
  return readSortedSet(store, key)?.byScore(low, high).length ?? 0;
});

define('ZLEXCOUNT', 4, (store, [key = '', min = '', max = '']) => {
  const [low, high] = [parseLexBound(min), parseLexBound(max)];
  return readSortedSet(store, key)?.byLex(low, high).length ?? 0;
});

define('ZINCRBY', 4, (store, [key = '', incrementText = '', member = '']) => {
  const increment = parseScore(incrementText);
  let zset = readSortedSet(store, key);
  const next = (zset?.score(member) ?? 0) + increment;
  if (Number.isNaN(next)) throw new ReplyError('ERR resulting score is not a number (NaN)');
  if (!zset) {
    zset = new SortedSet();
    store.redis.setRaw(key, { [SORTED_SET]: zset });
  }
  zset.set(member, next);
  return formatScore(next);
});

function rank(reverse: boolean): MemoryCommand['run'] {
  return (store, [key = '', member = '']) => {
    const zset = readSortedSet(store, key);
    const at = zset?.rank(member);
    if (zset === undefined || at === undefined) return null;
    return reverse ? zset.size - 1 - at : at;
  };
}
define('ZRANK', 3, rank(false));
define('ZREVRANK', 3, rank(true));

define('ZMSCORE', -3, (store, [key = '', ...members]) => {
  const zset = readSortedSet(store, key);
  return members.map((member) => {
    const score = zset?.score(member);
    return score === undefined ? null : formatScore(score);
  });
});

define('ZREVRANGE', -4, (store, [key = '', start = '', stop = '', ...options]) => {
  if (options.some((option) => option.toUpperCase() !== 'WITHSCORES') || options.length > 1) throw new ReplyError('ERR syntax error');
  return zrange(store, [key, start, stop, 'REV', ...options]);
});
define('ZRANGEBYSCORE', -4, (store, [key = '', min = '', max = '', ...options]) => zrange(store, [key, min, max, 'BYSCORE', ...options]));
define('ZREVRANGEBYSCORE', -4, (store, [key = '', max = '', min = '', ...options]) => zrange(store, [key, max, min, 'BYSCORE', 'REV', ...options]));
define('ZRANGEBYLEX', -4, (store, [key = '', min = '', max = '', ...options]) => zrange(store, [key, min, max, 'BYLEX', ...options]));
define('ZREVRANGEBYLEX', -4, (store, [key = '', max = '', min = '', ...options]) => zrange(store, [key, max, min, 'BYLEX', 'REV', ...options]));

function popExtreme(highest: boolean): MemoryCommand['run'] {
  return (store, [key = '', countText, ...extra]) => {
    if (extra.length > 0) throw new ReplyError('ERR syntax error');
    let count = 1;
    if (countText !== undefined) {
      count = parseInteger(countText);
      if (count < 0) throw new ReplyError('ERR value is out of range, must be positive');
    }
    const zset = readSortedSet(store, key);
    if (!zset) return [];
    const size = zset.size;
    const taken: ScoredMember[] = highest
      ? zset.byRank(Math.max(0, size - count), size - 1).reverse()
      : zset.byRank(0, Math.min(size, count) - 1);
    for (const { member } of taken) zset.delete(member);
    dropIfEmpty(store, key, zset);
    return taken.flatMap(({ member, score }) => [Buffer.from(member), formatScore(score)]);
  };
}
define('ZPOPMIN', -2, popExtreme(false));
define('ZPOPMAX', -2, popExtreme(true));

function removeRange(select: (zset: SortedSet, low: string, high: string) => ScoredMember[], check: (low: string, high: string) => void): MemoryCommand['run'] {
  return (store, [key = '', low = '', high = '']) => {
    check(low, high);
    const zset = readSortedSet(store, key);
    if (!zset) return 0;
    const removed = select(zset, low, high);
    for (const { member } of removed) zset.delete(member);
    dropIfEmpty(store, key, zset);
    return removed.length;
  };
}
define('ZREMRANGEBYRANK', 4, removeRange((zset, low, high) => {
  const [start, stop] = [parseInteger(low), parseInteger(high)];
  const first = Math.max(0, start < 0 ? start + zset.size : start);
  const last = Math.min(zset.size - 1, stop < 0 ? stop + zset.size : stop);
  return first > last ? [] : zset.byRank(first, last);
}, (low, high) => [parseInteger(low), parseInteger(high)]));
define('ZREMRANGEBYSCORE', 4, removeRange(
  (zset, low, high) => zset.byScore(parseScoreBound(low), parseScoreBound(high)),
  (low, high) => [parseScoreBound(low), parseScoreBound(high)],
));
define('ZREMRANGEBYLEX', 4, removeRange(
  (zset, low, high) => zset.byLex(parseLexBound(low), parseLexBound(high)),
  (low, high) => [parseLexBound(low), parseLexBound(high)],
));
