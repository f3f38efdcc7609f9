// COPY for the in-memory backend, with Redis 7's replies and errors (checked against real Redis by
// upstash-backends-agree.test.ts). The copy shares nothing with the source, and keeps its TTL.

import { commandTable } from './memory-store';
import { ReplyError } from './redis-backend';
import { parseRangeLong } from './redis-integers';
import { SORTED_SET, SortedSet } from './sorted-set';
import { LIST, listAt, STREAM, sortedSetAt, streamAt, typeOf } from './stored-structures';
import { cloneStream } from './stream-copy';
import type { SyncMock } from './sync-mock';

const { commands, define } = commandTable();
export const copyCommands = commands;

type Copier = (redis: SyncMock, source: string, destination: string) => void;

/**
 * How each type (as TYPE names it) is copied into a free `destination`. A new type needs one
 * entry here.
 */
const copiers: Record<string, Copier> = {
  string: (redis, source, destination) => redis.set(destination, redis.get(source)!),
  hash: (redis, source, destination) => {
    const fields = Object.keys(redis.hgetallBuffer(source));
    redis.hset(destination, ...fields.flatMap((field) => [field, redis.hget(source, field)!]));
  },
  set: (redis, source, destination) => redis.sadd(destination, ...redis.smembersBuffer(source).map(String)),
  zset: (redis, source, destination) => {
    const original = sortedSetAt(redis, source)!;
    const copy = new SortedSet();
    for (const { member, score } of original.byRank(0, original.size - 1)) copy.set(member, score);
    redis.setRaw(destination, { [SORTED_SET]: copy });
  },
  list: (redis, source, destination) => redis.setRaw(destination, { [LIST]: [...listAt(redis, source)!] }),
  stream: (redis, source, destination) =>
    redis.setRaw(destination, { [STREAM]: cloneStream(streamAt(redis, source)!) }),
};

/** COPY source destination [DB destination-db] [REPLACE] */
define('COPY', -3, ({ redis }, [source = '', destination = '', ...options]) => {
  let replace = false;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toUpperCase();
    if (option === 'REPLACE') replace = true;
    else if (option === 'DB' && i + 1 < options.length) {
      // The backend has database 0 only, as Upstash does: any other is out of range.
      const db = parseRangeLong(options[++i]!, -2147483648n, 2147483647n);
      if (db !== 0n) throw new ReplyError('ERR DB index is out of range');
    } else throw new ReplyError('ERR syntax error');
  }
  if (source === destination) throw new ReplyError('ERR source and destination objects are the same');
  const type = typeOf(redis, source);
  if (type === 'none') return 0;
  const copier = copiers[type];
  if (!copier) throw new ReplyError(`ERR COPY of a ${type} is not supported by the in-memory backend`);
  if (redis.exists(destination) === 1) {
    if (!replace) return 0;
    redis.del(destination);
  }
  const expireAt = redis.pexpiretime(source);
  copier(redis, source, destination);
  if (expireAt > 0) redis.pexpireat(destination, expireAt);
  return 1;
});
