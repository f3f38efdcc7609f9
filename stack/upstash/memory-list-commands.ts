// Lists for the in-memory backend, kept as arrays of this backend's own (stored-structures.ts),
// with Redis 7's replies and errors (checked against real Redis by upstash-backends-agree.test.ts).

import { commandTable, type MemoryCommand, parseInteger, rankRange } from './memory-store';
import { type Reply, ReplyError } from './redis-backend';
import { expectType, LIST, listAt } from './stored-structures';
import type { SyncMock } from './sync-mock';

const { commands, define } = commandTable();
export const listCommands = commands;

/** The list at `key` for reading: WRONGTYPE for another type, undefined when there is none. */
function readList(redis: SyncMock, key: string): string[] | undefined {
  expectType(redis, key, 'list');
  return listAt(redis, key);
}

/** The list at `key` for writing, made when missing. */
function writableList(redis: SyncMock, key: string): string[] {
  const list = readList(redis, key);
  if (list) return list;
  const created: string[] = [];
  redis.setRaw(key, { [LIST]: created });
  return created;
}

/** Redis drops a list that becomes empty. */
function dropIfEmpty(redis: SyncMock, key: string, list: string[]): void {
  if (list.length === 0) redis.del(key);
}

const bytes = (text: string) => Buffer.from(text);

function push(atHead: boolean, onlyIfExists: boolean): MemoryCommand['run'] {
  return ({ redis }, [key = '', ...elements]) => {
    if (onlyIfExists && !readList(redis, key)) return 0;
    const list = writableList(redis, key);
    for (const element of elements) {
      if (atHead) list.unshift(element);
      else list.push(element);
    }
    return list.length;
  };
}
define('LPUSH', -3, push(true, false));
define('RPUSH', -3, push(false, false));
define('LPUSHX', -3, push(true, true));
define('RPUSHX', -3, push(false, true));

function pop(atHead: boolean): MemoryCommand['run'] {
  return ({ redis }, [key = '', countText, ...extra]) => {
    if (extra.length > 0)
      throw new ReplyError(`ERR wrong number of arguments for '${atHead ? 'lpop' : 'rpop'}' command`);
    let count: number | undefined;
    if (countText !== undefined) {
      count = Number(countText);
      if (!/^(0|-?[1-9]\d*)$/.test(countText) || !Number.isSafeInteger(count) || count < 0) {
        throw new ReplyError('ERR value is out of range, must be positive');
      }
    }
    const list = readList(redis, key);
    if (!list) return null;
    const taken = atHead ? list.splice(0, count ?? 1) : list.splice(Math.max(0, list.length - (count ?? 1))).reverse();
    dropIfEmpty(redis, key, list);
    if (count === undefined) return bytes(taken[0]!);
    return taken.map(bytes);
  };
}
define('LPOP', -2, pop(true));
define('RPOP', -2, pop(false));

define('LLEN', 2, ({ redis }, [key = '']) => readList(redis, key)?.length ?? 0);

// The integers are checked before the key, as Redis does.
define('LRANGE', 4, ({ redis }, [key = '', startText = '', stopText = '']) => {
  const [start, stop] = [parseInteger(startText), parseInteger(stopText)];
  const list = readList(redis, key) ?? [];
  const [from, to] = rankRange(list.length, start, stop);
  return from > to ? [] : list.slice(from, to + 1).map(bytes);
});

define('LINDEX', 3, ({ redis }, [key = '', indexText = '']) => {
  const index = parseInteger(indexText);
  const list = readList(redis, key);
  if (!list) return null;
  const element = list[index < 0 ? index + list.length : index];
  return element === undefined ? null : bytes(element);
});

define('LSET', 4, ({ redis }, [key = '', indexText = '', element = '']) => {
  const index = parseInteger(indexText);
  const list = readList(redis, key);
  if (!list) throw new ReplyError('ERR no such key');
  const at = index < 0 ? index + list.length : index;
  if (at < 0 || at >= list.length) throw new ReplyError('ERR index out of range');
  list[at] = element;
  return 'OK';
});

define('LREM', 4, ({ redis }, [key = '', countText = '', element = '']) => {
  const count = parseInteger(countText);
  const list = readList(redis, key);
  if (!list) return 0;
  const limit = count === 0 ? Number.POSITIVE_INFINITY : Math.abs(count);
  let removed = 0;
  if (count >= 0) {
    for (let i = 0; i < list.length && removed < limit; ) {
      if (list[i] === element) {
        list.splice(i, 1);
        removed++;
      } else i++;
    }
  } else {
    for (let i = list.length - 1; i >= 0 && removed < limit; i--) {
      if (list[i] === element) {
        list.splice(i, 1);
        removed++;
      }
    }
  }
  dropIfEmpty(redis, key, list);
  return removed;
});

define('LTRIM', 4, ({ redis }, [key = '', startText = '', stopText = '']) => {
  const [start, stop] = [parseInteger(startText), parseInteger(stopText)];
  const list = readList(redis, key);
  if (!list) return 'OK';
  const [from, to] = rankRange(list.length, start, stop);
  const kept = from > to ? [] : list.slice(from, to + 1);
  list.splice(0, list.length, ...kept);
  dropIfEmpty(redis, key, list);
  return 'OK';
});

define('LINSERT', 5, ({ redis }, [key = '', where = '', pivot = '', element = '']) => {
  const side = where.toUpperCase();
  if (side !== 'BEFORE' && side !== 'AFTER') throw new ReplyError('ERR syntax error');
  const list = readList(redis, key);
  if (!list) return 0;
  const at = list.indexOf(pivot);
  if (at === -1) return -1;
  list.splice(side === 'BEFORE' ? at : at + 1, 0, element);
  return list.length;
});

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
define('LPOS', -3, ({ redis }, [key = '', element = '', ...options]) => {
  let rank = 1;
  let count: number | undefined;
  let maxLen = 0;
  for (let i = 0; i < options.length; i += 2) {
    const option = options[i]!.toUpperCase();
    const value = options[i + 1];
    if (value === undefined) throw new ReplyError('ERR syntax error');
    if (option === 'RANK') {
      rank = parseInteger(value);
      if (rank === 0) {
        throw new ReplyError(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
      }
    } else if (option === 'COUNT') {
      count = parseInteger(value);
      if (count < 0) throw new ReplyError("ERR COUNT can't be negative");
    } else if (option === 'MAXLEN') {
      maxLen = parseInteger(value);
      if (maxLen < 0) throw new ReplyError("ERR MAXLEN can't be negative");
    } else throw new ReplyError('ERR syntax error');
  }
  const list = readList(redis, key);
  const matches: number[] = [];
  if (list) {
    const wanted = count === undefined ? 1 : count === 0 ? Number.POSITIVE_INFINITY : count;
    let skip = Math.abs(rank) - 1;
    const scanned = maxLen === 0 ? list.length : Math.min(maxLen, list.length);
    for (let step = 0; step < scanned && matches.length < wanted; step++) {
      const i = rank > 0 ? step : list.length - 1 - step;
      if (list[i] !== element) continue;
      if (skip > 0) skip--;
      else matches.push(i);
    }
  }
  if (count !== undefined) return matches;
  return matches[0] ?? null;
});

function move({ redis }: { redis: SyncMock }, source: string, destination: string, from: string, to: string): Reply {
  const list = readList(redis, source);
  if (!list) return null;
  expectType(redis, destination, 'list');
  const element = from === 'LEFT' ? list.shift()! : list.pop()!;
  dropIfEmpty(redis, source, list);
  const target = writableList(redis, destination);
  if (to === 'LEFT') target.unshift(element);
  else target.push(element);
  return bytes(element);
}

define('LMOVE', 5, (store, [source = '', destination = '', fromText = '', toText = '']) => {
  const [from, to] = [fromText.toUpperCase(), toText.toUpperCase()];
  if (!['LEFT', 'RIGHT'].includes(from) || !['LEFT', 'RIGHT'].includes(to)) throw new ReplyError('ERR syntax error');
  return move(store, source, destination, from, to);
});
define('RPOPLPUSH', 3, (store, [source = '', destination = '']) => move(store, source, destination, 'RIGHT', 'LEFT'));
