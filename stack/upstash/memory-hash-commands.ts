// More hash commands for the in-memory backend, on the mock's stored hashes, with Redis 7's
// replies and errors (checked against real Redis by upstash-backends-agree.test.ts).
import { commandTable, wrongArity } from './memory-store';
import { expectType } from './stored-structures';
import type { SyncMock } from './sync-mock';

const { commands, define } = commandTable();
export const hashCommands = commands;

/** The hash's fields in order (Redis keeps a small hash's insertion order, as the mock does). */
function readHash(redis: SyncMock, key: string): Record<string, Buffer> {
  expectType(redis, key, 'hash');
  return redis.hgetallBuffer(key);
}

define('HEXISTS', 3, ({ redis }, [key = '', field = '']) => (Object.hasOwn(readHash(redis, key), field) ? 1 : 0));
define('HLEN', 2, ({ redis }, [key = '']) => Object.keys(readHash(redis, key)).length);
define('HKEYS', 2, ({ redis }, [key = '']) => Object.keys(readHash(redis, key)).map((field) => Buffer.from(field)));
define('HVALS', 2, ({ redis }, [key = '']) => Object.values(readHash(redis, key)));
define('HMGET', -3, ({ redis }, [key = '', ...fields]) => {
  const hash = readHash(redis, key);
  return fields.map((field) => (Object.hasOwn(hash, field) ? hash[field]! : null));
});
define('HSTRLEN', 3, ({ redis }, [key = '', field = '']) => readHash(redis, key)[field]?.length ?? 0);

define('HMSET', -4, ({ redis }, [key = '', ...pairs]) => {
  if (pairs.length % 2 !== 0) throw wrongArity('hmset');
  expectType(redis, key, 'hash');
  redis.hset(key, ...pairs);
  return 'OK';
});

define('HSETNX', 4, ({ redis }, [key = '', field = '', value = '']) => {
  if (Object.hasOwn(readHash(redis, key), field)) return 0;
  redis.hset(key, field, value);
  return 1;
});
