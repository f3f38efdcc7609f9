// More sorted-set commands for the in-memory backend, on sorted-set.ts, with Redis 7's replies and
// errors (checked against real Redis by upstash-backends-agree.test.ts). The older range commands
// (ZRANGEBYSCORE, ZREVRANGE, …) are ZRANGE with its options, as Redis documents them.

import { dataCommands, formatScore, parseLexBound, parseScore, parseScoreBound } from './memory-commands';
import { commandTable, type MemoryCommand, type MemoryStore, parseInteger, rankRange } from './memory-store';
import { type Reply, ReplyError } from './redis-backend';
import { type ScoredMember, SORTED_SET, SortedSet } from './sorted-set';
import { expectType, sortedSetAt, typeOf, WRONGTYPE } from './stored-structures';

const { commands, define } = commandTable();
export const sortedSetCommands = commands;

/** The sorted set at `key`: WRONGTYPE for another type, undefined when there is none. */
export function readSortedSet(store: MemoryStore, key: string): SortedSet | undefined {
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
  if (options.some((option) => option.toUpperCase() !== 'WITHSCORES') || options.length > 1)
    throw new ReplyError('ERR syntax error');
  return zrange(store, [key, start, stop, 'REV', ...options]);
});
define('ZRANGEBYSCORE', -4, (store, [key = '', min = '', max = '', ...options]) =>
  zrange(store, [key, min, max, 'BYSCORE', ...options]),
);
define('ZREVRANGEBYSCORE', -4, (store, [key = '', max = '', min = '', ...options]) =>
  zrange(store, [key, max, min, 'BYSCORE', 'REV', ...options]),
);
define('ZRANGEBYLEX', -4, (store, [key = '', min = '', max = '', ...options]) =>
  zrange(store, [key, min, max, 'BYLEX', ...options]),
);
define('ZREVRANGEBYLEX', -4, (store, [key = '', max = '', min = '', ...options]) =>
  zrange(store, [key, max, min, 'BYLEX', 'REV', ...options]),
);

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

/** Parses the range (before the key is read, as Redis does), then removes the members it selects. */
function removeRange<Range>(
  parse: (low: string, high: string) => Range,
  select: (zset: SortedSet, range: Range) => ScoredMember[],
): MemoryCommand['run'] {
  return (store, [key = '', low = '', high = '']) => {
    const range = parse(low, high);
    const zset = readSortedSet(store, key);
    if (!zset) return 0;
    const removed = select(zset, range);
    for (const { member } of removed) zset.delete(member);
    dropIfEmpty(store, key, zset);
    return removed.length;
  };
}
define(
  'ZREMRANGEBYRANK',
  4,
  removeRange(
    (low, high) => [parseInteger(low), parseInteger(high)] as const,
    (zset, [start, stop]) => {
      const [first, last] = rankRange(zset.size, start, stop);
      return first > last ? [] : zset.byRank(first, last);
    },
  ),
);
define(
  'ZREMRANGEBYSCORE',
  4,
  removeRange(
    (low, high) => [parseScoreBound(low), parseScoreBound(high)] as const,
    (zset, [min, max]) => zset.byScore(min, max),
  ),
);
define(
  'ZREMRANGEBYLEX',
  4,
  removeRange(
    (low, high) => [parseLexBound(low), parseLexBound(high)] as const,
    (zset, [min, max]) => zset.byLex(min, max),
  ),
);

type SetOperation = 'union' | 'inter' | 'diff';

/** numkeys key [key …] [WEIGHTS w …] [AGGREGATE SUM|MIN|MAX] [WITHSCORES], read as Redis reads them. */
function parseSetOperation(name: string, operation: SetOperation, args: string[], withScoresAllowed: boolean) {
  const numKeys = parseInteger(args[0] ?? '');
  if (numKeys <= 0) throw new ReplyError(`ERR at least 1 input key is needed for '${name}' command`);
  if (numKeys > args.length - 1) throw new ReplyError('ERR syntax error');
  const keys = args.slice(1, 1 + numKeys);
  const weights = keys.map(() => 1);
  let aggregate: 'SUM' | 'MIN' | 'MAX' = 'SUM';
  let withScores = false;
  const options = args.slice(1 + numKeys);
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toUpperCase();
    if (option === 'WEIGHTS' && operation !== 'diff' && i + numKeys < options.length) {
      for (let w = 0; w < numKeys; w++) {
        const text = options[i + 1 + w]!;
        try {
          weights[w] = parseScore(text);
        } catch {
          throw new ReplyError('ERR weight value is not a float');
        }
      }
      i += numKeys;
    } else if (option === 'AGGREGATE' && operation !== 'diff' && i + 1 < options.length) {
      const value = options[++i]!.toUpperCase();
      if (value !== 'SUM' && value !== 'MIN' && value !== 'MAX') throw new ReplyError('ERR syntax error');
      aggregate = value;
    } else if (option === 'WITHSCORES' && withScoresAllowed) withScores = true;
    else throw new ReplyError('ERR syntax error');
  }
  return { keys, weights, aggregate, withScores };
}

/** A sorted set's or a set's members with their scores (a set's count as 1), as the set operations read inputs. */
function inputOf(store: MemoryStore, key: string): Map<string, number> {
  const type = typeOf(store.redis, key);
  if (type === 'zset')
    return new Map(
      sortedSetAt(store.redis, key)!
        .byRank(0, Number.MAX_SAFE_INTEGER)
        .map(({ member, score }) => [member, score]),
    );
  if (type === 'set') return new Map(store.redis.smembersBuffer(key).map((member) => [member.toString(), 1]));
  if (type === 'none') return new Map();
  throw new ReplyError(WRONGTYPE);
}

function combine(store: MemoryStore, operation: SetOperation, parsed: ReturnType<typeof parseSetOperation>): SortedSet {
  const inputs = parsed.keys.map((key) => inputOf(store, key));
  const result = new SortedSet();
  const [first = new Map<string, number>(), ...others] = inputs;
  const weighted = (score: number, weight: number) => {
    const value = score * weight;
    return Number.isNaN(value) ? 0 : value; // Redis counts inf × 0 as 0
  };
  const fold = (a: number, b: number) => {
    if (parsed.aggregate === 'MIN') return Math.min(a, b);
    if (parsed.aggregate === 'MAX') return Math.max(a, b);
    const sum = a + b;
    return Number.isNaN(sum) ? 0 : sum; // +inf + -inf
  };
  if (operation === 'diff') {
    for (const [member, score] of first) if (others.every((other) => !other.has(member))) result.set(member, score);
    return result;
  }
  if (operation === 'inter') {
    for (const [member, score] of first) {
      if (!others.every((other) => other.has(member))) continue;
      let total = weighted(score, parsed.weights[0]!);
      for (const [i, other] of others.entries())
        total = fold(total, weighted(other.get(member)!, parsed.weights[i + 1]!));
      result.set(member, total);
    }
    return result;
  }
  const totals = new Map<string, number>();
  inputs.forEach((input, i) => {
    for (const [member, score] of input) {
      const value = weighted(score, parsed.weights[i]!);
      const current = totals.get(member);
      totals.set(member, current === undefined ? value : fold(current, value));
    }
  });
  for (const [member, score] of totals) result.set(member, score);
  return result;
}

function storeResult(store: MemoryStore, destination: string, zset: SortedSet): number {
  store.redis.del(destination);
  if (zset.size > 0) store.redis.setRaw(destination, { [SORTED_SET]: zset });
  return zset.size;
}

for (const operation of ['union', 'inter', 'diff'] as const) {
  const name = `Z${operation.toUpperCase()}`;
  define(`${name}STORE`, -4, (store, [destination = '', ...args]) =>
    storeResult(
      store,
      destination,
      combine(store, operation, parseSetOperation(name.toLowerCase() + 'store', operation, args, false)),
    ),
  );
  define(name, -3, (store, args) => {
    const parsed = parseSetOperation(name.toLowerCase(), operation, args, true);
    const members = combine(store, operation, parsed).byRank(0, Number.MAX_SAFE_INTEGER);
    return parsed.withScores
      ? members.flatMap(({ member, score }) => [Buffer.from(member), formatScore(score)])
      : members.map(({ member }) => Buffer.from(member));
  });
}
