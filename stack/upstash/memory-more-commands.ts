// The rest of the plain Redis 7 commands @upstash/redis exposes (COPY, INCRBYFLOAT, SPOP, …) for the
// in-memory backend, with Redis 7's replies and errors (checked against real Redis by
// upstash-backends-agree.test.ts): LMPOP, TIME and FLUSHALL here, the others in a module each
// (COPY, the float increments, OBJECT, the random picks), gathered into `moreCommands`.

import { copyCommands } from './memory-copy-command';
import { floatCommands } from './memory-float-commands';
import { objectCommands } from './memory-object-command';
import { randomCommands } from './memory-random-commands';
import { commandTable, type MemoryCommand } from './memory-store';
import { type Reply, ReplyError } from './redis-backend';
import { LONG_MAX, parseRangeLong } from './redis-integers';
import { expectType, listAt } from './stored-structures';

const { commands, define } = commandTable();

const SYNTAX_ERROR = 'ERR syntax error';

/** LMPOP numkeys key [key …] LEFT|RIGHT [COUNT count]: pops from the first non-empty list, as [key, [elements]]. */
define('LMPOP', -4, ({ redis }, [numKeysText = '', ...args]) => {
  const numKeys = Number(parseRangeLong(numKeysText, 1n, LONG_MAX, 'numkeys should be greater than 0'));
  if (numKeys >= args.length) throw new ReplyError(SYNTAX_ERROR);
  const keys = args.slice(0, numKeys);
  const where = args[numKeys]!.toUpperCase();
  if (where !== 'LEFT' && where !== 'RIGHT') throw new ReplyError(SYNTAX_ERROR);
  let count: number | undefined;
  for (let i = numKeys + 1; i < args.length; i++) {
    const repeated = count !== undefined;
    if (repeated || args[i]!.toUpperCase() !== 'COUNT' || i + 1 >= args.length) throw new ReplyError(SYNTAX_ERROR);
    count = Number(parseRangeLong(args[++i]!, 1n, LONG_MAX, 'count should be greater than 0'));
  }
  // Missing keys are skipped; the first existing one must be a list, those after it are not looked at.
  for (const key of keys) {
    expectType(redis, key, 'list');
    const list = listAt(redis, key);
    if (!list || list.length === 0) continue;
    const taken = where === 'LEFT' ? list.splice(0, count ?? 1) : list.splice(-(count ?? 1)).reverse();
    if (list.length === 0) redis.del(key);
    return [Buffer.from(key), taken.map((element) => Buffer.from(element))];
  }
  return null;
});

/** TIME: [unix seconds, microseconds within the second], as bulk strings. */
define('TIME', 1, () => {
  const microseconds = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return [Buffer.from(String(Math.floor(microseconds / 1e6))), Buffer.from(String(microseconds % 1e6))];
});

/** FLUSHALL [ASYNC|SYNC]: FLUSHDB, the backend having one database; scripts and functions stay, as in Redis. */
define('FLUSHALL', -1, ({ redis }, args): Reply => {
  if (args.length > 1 || (args[0] !== undefined && !['ASYNC', 'SYNC'].includes(args[0].toUpperCase()))) {
    throw new ReplyError(SYNTAX_ERROR);
  }
  redis.flushdb();
  return 'OK';
});

/** This module's commands and the ones kept in modules of their own (built after the definitions above). */
export const moreCommands: ReadonlyMap<string, MemoryCommand> = new Map([
  ...commands,
  ...copyCommands,
  ...floatCommands,
  ...objectCommands,
  ...randomCommands,
]);
