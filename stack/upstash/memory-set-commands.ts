// More set commands for the in-memory backend, on the mock's stored sets, with Redis 7's replies
// and errors (checked against real Redis by upstash-backends-agree.test.ts). Members come back in
// the order they were added; Redis leaves a set's order unspecified.

import { commandTable, parseInteger } from './memory-store';
import { ReplyError } from './redis-backend';
import { expectType } from './stored-structures';
import type { SyncMock } from './sync-mock';

const { commands, define } = commandTable();
export const setCommands = commands;

function readSet(redis: SyncMock, key: string): string[] {
  expectType(redis, key, 'set');
  return redis.smembersBuffer(key).map((member) => member.toString());
}

type Combine = 'inter' | 'union' | 'diff';

function combine(redis: SyncMock, how: Combine, keys: readonly string[]): string[] {
  const [first = [], ...others] = keys.map((key) => readSet(redis, key));
  const otherSets = others.map((members) => new Set(members));
  if (how === 'inter') return first.filter((member) => otherSets.every((set) => set.has(member)));
  if (how === 'diff') return first.filter((member) => otherSets.every((set) => !set.has(member)));
  return [...new Set([first, ...others].flat())];
}

/** Replaces `destination` with `members` (none: the key is gone), as the *STORE commands do. */
function store(redis: SyncMock, destination: string, members: readonly string[]): number {
  redis.del(destination);
  if (members.length > 0) redis.sadd(destination, ...members);
  return members.length;
}

define('SCARD', 2, ({ redis }, [key = '']) => readSet(redis, key).length);
define('SMISMEMBER', -3, ({ redis }, [key = '', ...members]) => {
  const set = new Set(readSet(redis, key));
  return members.map((member) => (set.has(member) ? 1 : 0));
});

for (const how of ['inter', 'union', 'diff'] as const) {
  define(`S${how.toUpperCase()}`, -2, ({ redis }, keys) =>
    combine(redis, how, keys).map((member) => Buffer.from(member)),
  );
  define(`S${how.toUpperCase()}STORE`, -3, ({ redis }, [destination = '', ...keys]) =>
    store(redis, destination, combine(redis, how, keys)),
  );
}

/** SINTERCARD numkeys key [key …] [LIMIT limit] */
define('SINTERCARD', -3, ({ redis }, [numKeysText = '', ...args]) => {
  const numKeys = parseInteger(numKeysText);
  if (numKeys <= 0) throw new ReplyError('ERR numkeys should be greater than 0');
  if (numKeys > args.length) throw new ReplyError("ERR Number of keys can't be greater than number of args");
  const options = args.slice(numKeys);
  let limit = 0;
  for (let i = 0; i < options.length; i += 2) {
    if (options[i]!.toUpperCase() !== 'LIMIT' || options[i + 1] === undefined) throw new ReplyError('ERR syntax error');
    limit = parseInteger(options[i + 1]!);
    if (limit < 0) throw new ReplyError("ERR LIMIT can't be negative");
  }
  const count = combine(redis, 'inter', args.slice(0, numKeys)).length;
  return limit > 0 ? Math.min(limit, count) : count;
});

define('SMOVE', 4, ({ redis }, [source = '', destination = '', member = '']) => {
  const members = readSet(redis, source);
  expectType(redis, destination, 'set');
  if (!members.includes(member)) return 0;
  redis.srem(source, member);
  if (members.length === 1) redis.del(source); // Redis drops an emptied set
  redis.sadd(destination, member);
  return 1;
});
