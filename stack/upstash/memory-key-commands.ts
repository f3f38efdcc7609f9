// More key commands for the in-memory backend: KEYS, SCAN, RENAME, RENAMENX (and the scans of
// one collection: HSCAN, SSCAN, ZSCAN), with Redis 7's
// replies and errors (checked against real Redis by upstash-backends-agree.test.ts). SCAN
// answers a whole iteration at once (cursor 0), which Redis's contract allows.

import { formatScore } from './memory-commands';
import { commandTable, type MemoryCommand, parseInteger } from './memory-store';
import { globToRegExp } from './pubsub';
import { ReplyError } from './redis-backend';
import { expectType, sortedSetAt, typeOf } from './stored-structures';
import type { SyncMock } from './sync-mock';

const { commands, define } = commandTable();
export const keyCommands = commands;

function matchingKeys(redis: SyncMock, pattern: string): string[] {
  const regex = globToRegExp(pattern);
  return redis.keys('*').filter((key) => regex.test(key));
}

/** [MATCH pattern] [COUNT count] (and [TYPE type] for SCAN), checked as Redis checks them; COUNT changes nothing here. */
function parseScanOptions(options: readonly string[], typeAllowed: boolean): { match: RegExp; type?: string } {
  let pattern = '*';
  let type: string | undefined;
  for (let i = 0; i < options.length; i += 2) {
    const option = options[i]!.toUpperCase();
    const value = options[i + 1];
    if (value === undefined) throw new ReplyError('ERR syntax error');
    if (option === 'MATCH') pattern = value;
    else if (option === 'COUNT') {
      if (parseInteger(value) < 1) throw new ReplyError('ERR syntax error');
    } else if (option === 'TYPE' && typeAllowed) type = value.toLowerCase();
    else throw new ReplyError('ERR syntax error');
  }
  return { match: globToRegExp(pattern), type };
}

/** A scan's cursor; one other than 0 belongs to an iteration this backend already finished. */
function isFirstCall(cursorText: string): boolean {
  if (!/^\d+$/.test(cursorText)) throw new ReplyError('ERR invalid cursor');
  return cursorText === '0';
}

define('KEYS', 2, ({ redis }, [pattern = '']) => matchingKeys(redis, pattern).map((key) => Buffer.from(key)));

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
define('SCAN', -2, ({ redis }, [cursorText = '', ...options]) => {
  const first = isFirstCall(cursorText);
  const { match, type } = parseScanOptions(options, true);
  const keys = first
    ? redis.keys('*').filter((key) => match.test(key) && (type === undefined || typeOf(redis, key) === type))
    : [];
  return [Buffer.from('0'), keys.map((key) => Buffer.from(key))];
});

/** Moves `source`'s value and TTL to `destination`, replacing what was there. */
function move(redis: SyncMock, source: string, destination: string): void {
  if (source === destination) return;
  const expireAt = redis.pexpiretime(source);
  if (typeOf(redis, source) === 'string') redis.set(destination, redis.get(source)!);
  else redis.setRaw(destination, redis.mgetBuffer(source)[0] as object);
  if (expireAt > 0) redis.pexpireat(destination, expireAt);
  redis.del(source);
}

define('RENAME', 3, ({ redis }, [source = '', destination = '']) => {
  if (redis.exists(source) === 0) throw new ReplyError('ERR no such key');
  move(redis, source, destination);
  return 'OK';
});

define('RENAMENX', 3, ({ redis }, [source = '', destination = '']) => {
  if (redis.exists(source) === 0) throw new ReplyError('ERR no such key');
  if (redis.exists(destination) === 1) return 0;
  move(redis, source, destination);
  return 1;
});

/** HSCAN, SSCAN and ZSCAN key cursor [MATCH pattern] [COUNT count]: the whole collection in one call, as Redis answers small ones. */
function scanCollection(
  entriesOf: (redis: SyncMock, key: string) => Array<[string, Buffer | undefined]>,
): MemoryCommand['run'] {
  return ({ redis }, [key = '', cursorText = '', ...options]) => {
    const first = isFirstCall(cursorText);
    const { match } = parseScanOptions(options, false);
    const entries = first ? entriesOf(redis, key).filter(([name]) => match.test(name)) : [];
    return [
      Buffer.from('0'),
      entries.flatMap(([name, value]) => (value === undefined ? [Buffer.from(name)] : [Buffer.from(name), value])),
    ];
  };
}
define(
  'HSCAN',
  -3,
  scanCollection((redis, key) => {
    expectType(redis, key, 'hash');
    return Object.entries(redis.hgetallBuffer(key));
  }),
);
define(
  'SSCAN',
  -3,
  scanCollection((redis, key) => {
    expectType(redis, key, 'set');
    return redis.smembersBuffer(key).map((member) => [member.toString(), undefined]);
  }),
);
define(
  'ZSCAN',
  -3,
  scanCollection((redis, key) => {
    expectType(redis, key, 'zset');
    const zset = sortedSetAt(redis, key);
    return zset ? zset.byRank(0, zset.size - 1).map(({ member, score }) => [member, formatScore(score)]) : [];
  }),
);
