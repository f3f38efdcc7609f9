// The in-memory backend answers as Redis does: the same REST calls, one family of commands at a
// time, go to an endpoint on each backend, and every answer (status and body, errors included)
// must be the same. Runs when REDIS_URL is set (CI's real-server run).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashEndpoint, type UpstashEndpoint } from '../../stack/upstash/server';
import type { AgreeFamilies } from './agree-families/agree-command';
import { bitFamilies } from './agree-families/bits';
import { functionFamilies } from './agree-families/functions';
import { geoFamilies } from './agree-families/geo';
import { hyperLogLogFamilies } from './agree-families/hyperloglog';
import { moreFamilies } from './agree-families/more-commands';
import { shebangFamilies } from './agree-families/script-shebangs';
import { streamFamilies } from './agree-families/streams';

const TOKEN = 'agree-test-token';
const realRedisUrl = process.env.REDIS_URL || null;

/** `{name}` in a command stands for a key of this run. Later families live in agree-families/. */
const CORE_FAMILIES: AgreeFamilies = {
  strings: [
    ['SET', '{s}', 'v'],
    ['GET', '{s}'],
    ['SET', '{s}', 'w', 'NX'],
    ['SET', '{s}', 'w', 'XX', 'GET'],
    ['GET', '{s}'],
    ['SET', '{s}', 'x', 'EX', 100],
    ['TTL', '{s}'],
    ['SET', '{s}', 'y', 'KEEPTTL'],
    ['TTL', '{s}'],
    ['SET', '{s}', 'z', 'EX', 0],
    ['SET', '{s}', 'z', 'NX', 'XX'],
    ['INCR', '{n}'],
    ['INCRBY', '{n}', 41],
    ['DECR', '{n}'],
    ['INCR', '{s}'],
    ['INCRBY', '{n}', '1.5'],
    ['MSET', '{a}', '1', '{b}', '2'],
    ['MGET', '{a}', '{b}', '{missing}'],
    ['GET', '{missing}'],
  ],
  'more strings': [
    ['SET', '{u}', 'héllo'],
    ['APPEND', '{u}', ' wörld'],
    ['STRLEN', '{u}'],
    ['APPEND', '{new}', 'x'],
    ['GETRANGE', '{u}', 0, 4],
    ['GETRANGE', '{u}', -5, -1],
    ['GETRANGE', '{u}', 5, 2],
    ['GETRANGE', '{u}', -1, -5],
    ['GETRANGE', '{none}', 0, 10],
    ['GETRANGE', '{u}', 'a', 1],
    ['SETRANGE', '{u}', 2, 'XY'],
    ['GET', '{u}'],
    ['SETRANGE', '{pad}', 3, 'z'],
    ['GET', '{pad}'],
    ['SETRANGE', '{none}', 0, ''],
    ['EXISTS', '{none}'],
    ['SETRANGE', '{u}', -1, 'x'],
    ['GETDEL', '{u}'],
    ['GETDEL', '{u}'],
    ['GETSET', '{g}', '1'],
    ['GETSET', '{g}', '2'],
    ['SETNX', '{g}', '3'],
    ['SETNX', '{nx}', '3'],
    ['SETEX', '{ex}', 100, 'v'],
    ['TTL', '{ex}'],
    ['SETEX', '{ex}', 0, 'v'],
    ['PSETEX', '{ex}', -5, 'v'],
    ['SET', '{d}', '10'],
    ['DECRBY', '{d}', 3],
    ['DECRBY', '{d}', 'x'],
    ['DECRBY', '{u2}', 1],
    ['MSETNX', '{m1}', 'a', '{m2}', 'b'],
    ['MSETNX', '{m2}', 'c', '{m3}', 'd'],
    ['MGET', '{m1}', '{m2}', '{m3}'],
    ['MSETNX', '{m1}'],
    ['SET', '{ge}', 'v'],
    ['GETEX', '{ge}', 'EX', 100],
    ['TTL', '{ge}'],
    ['GETEX', '{ge}', 'PERSIST'],
    ['TTL', '{ge}'],
    ['GETEX', '{ge}', 'EX', 0],
    ['GETEX', '{ge}', 'EX', 10, 'PX', 10],
    ['GETEX', '{none}', 'EX', 10],
    ['HSET', '{wh2}', 'f', 'v'],
    ['APPEND', '{wh2}', 'x'],
    ['STRLEN', '{wh2}'],
    ['GETDEL', '{wh2}'],
  ],
  keys: [
    ['SET', '{k}', 'v'],
    ['EXISTS', '{k}', '{k}', '{none}'],
    ['TYPE', '{k}'],
    ['TYPE', '{none}'],
    ['EXPIRE', '{k}', 100, 'NX'],
    ['EXPIRE', '{k}', 50, 'GT'],
    ['EXPIRE', '{k}', 50, 'LT'],
    ['TTL', '{k}'],
    ['EXPIRE', '{k}', 10, 'NX', 'XX'],
    ['TTL', '{none}'],
    ['PEXPIRE', '{none}', 100],
    ['DEL', '{k}', '{none}'],
    ['UNLINK', '{k}'],
    ['EXISTS', '{k}'],
    ['SET', '{k2}', 'v'],
    ['PERSIST', '{k2}'],
    ['EXPIREAT', '{k2}', 4102444800],
    ['EXPIRETIME', '{k2}'],
    ['PEXPIRETIME', '{k2}'],
    ['PERSIST', '{k2}'],
    ['EXPIRETIME', '{k2}'],
    ['EXPIRETIME', '{none}'],
    ['PEXPIREAT', '{k2}', 4102444800000, 'XX'],
    ['PEXPIREAT', '{k2}', 4102444800000, 'NX'],
    ['TOUCH', '{k2}', '{none}', '{k2}'],
    ['EXPIREAT', '{k2}', 1],
    ['EXISTS', '{k2}'],
    ['SET', '{r1}', 'v', 'EX', 100],
    ['RENAME', '{r1}', '{r2}'],
    ['GET', '{r2}'],
    ['TTL', '{r2}'],
    ['EXISTS', '{r1}'],
    ['RENAME', '{r1}', '{r2}'],
    ['HSET', '{r3}', 'f', 'v'],
    ['RENAMENX', '{r3}', '{r2}'],
    ['RENAMENX', '{r3}', '{r4}'],
    ['HGETALL', '{r4}'],
    ['TYPE', '{r4}'],
    ['ZADD', '{r5}', 1, 'a'],
    ['RENAME', '{r5}', '{r2}'],
    ['ZRANGE', '{r2}', 0, -1, 'WITHSCORES'],
    ['TTL', '{r2}'],
    ['RENAME', '{r2}', '{r2}'],
    ['RPUSH', '{r6}', 'x'],
    ['RENAME', '{r6}', '{r7}'],
    ['LRANGE', '{r7}', 0, -1],
    ['SADD', '{r8}', 1],
    ['RENAME', '{r8}', '{r9}'],
    ['SMEMBERS', '{r9}'],
    ['KEYS', '{nomatch}*'],
    ['SCAN', 'x'],
    ['SCAN', 0, 'COUNT', 0],
    ['SCAN', 0, 'MATCH'],
    // Small collections: Redis answers their scans whole (cursor 0), in insertion order for hashes, sorted for integer sets.
    ['HSET', '{hc}', 'alpha', '1', 'beta', '2', 'alps', '3'],
    ['HSCAN', '{hc}', 0],
    ['HSCAN', '{hc}', 0, 'MATCH', 'al*', 'COUNT', 5],
    ['HSCAN', '{none}', 0],
    ['HSCAN', '{hc}', 'x'],
    ['SADD', '{sc}', 1, 2, 10],
    ['SSCAN', '{sc}', 0],
    ['SSCAN', '{sc}', 0, 'MATCH', '1*'],
    ['ZADD', '{zc}', 2, 'b', 1, 'a', 2.5, 'ab'],
    ['ZSCAN', '{zc}', 0],
    ['ZSCAN', '{zc}', 0, 'MATCH', 'a*'],
    ['ZSCAN', '{hc}', 0],
    ['SSCAN', '{sc}', 0, 'NOPE', 1],
  ],
  hashes: [
    ['HSET', '{h}', 'a', '1', 'b', '2'],
    ['HGET', '{h}', 'a'],
    ['HGET', '{h}', 'zz'],
    ['HGETALL', '{h}'],
    ['HINCRBY', '{h}', 'a', 5],
    ['HINCRBY', '{h}', 'c', -1],
    ['HSET', '{h}', 'd', 'x'],
    ['HINCRBY', '{h}', 'd', 1],
    ['HDEL', '{h}', 'a', 'zz'],
    ['HGETALL', '{h}'],
    ['HSET', '{h}', 'odd'],
    ['HGETALL', '{none}'],
    ['HMSET', '{h2}', 'x', '1', 'y', 'wörld'],
    ['HMSET', '{h2}', 'odd'],
    ['HSETNX', '{h2}', 'x', '9'],
    ['HSETNX', '{h2}', 'z', '3'],
    ['HEXISTS', '{h2}', 'x'],
    ['HEXISTS', '{h2}', 'q'],
    ['HEXISTS', '{none}', 'x'],
    ['HLEN', '{h2}'],
    ['HLEN', '{none}'],
    ['HKEYS', '{h2}'],
    ['HVALS', '{h2}'],
    ['HKEYS', '{none}'],
    ['HMGET', '{h2}', 'x', 'q', 'y'],
    ['HMGET', '{none}', 'x'],
    ['HSTRLEN', '{h2}', 'y'],
    ['HSTRLEN', '{h2}', 'q'],
    ['SET', '{hs}', 'v'],
    ['HLEN', '{hs}'],
    ['HMSET', '{hs}', 'a', 'b'],
    ['HSETNX', '{hs}', 'a', 'b'],
  ],
  sets: [
    ['SADD', '{t}', 'a'],
    ['SADD', '{t}', 'a', 'b'],
    ['SISMEMBER', '{t}', 'b'],
    ['SISMEMBER', '{t}', 'c'],
    ['SREM', '{t}', 'b', 'c'],
    ['SMEMBERS', '{t}'],
    ['SMEMBERS', '{none}'],
    // Small sets of integers, added in ascending order: Redis keeps those sorted, so its order is the mock's.
    ['SADD', '{s1}', 1, 2, 3, 4],
    ['SADD', '{s2}', 3, 4, 5],
    ['SADD', '{s3}', 4, 6],
    ['SCARD', '{s1}'],
    ['SCARD', '{none}'],
    ['SMISMEMBER', '{s1}', 1, 9, 4],
    ['SINTER', '{s1}', '{s2}'],
    ['SINTER', '{s1}', '{none}'],
    ['SUNION', '{s1}', '{s2}', '{s3}'],
    ['SDIFF', '{s1}', '{s2}', '{s3}'],
    ['SINTERSTORE', '{s4}', '{s1}', '{s2}', '{s3}'],
    ['SMEMBERS', '{s4}'],
    ['SDIFFSTORE', '{s4}', '{s2}', '{s2}'],
    ['EXISTS', '{s4}'],
    ['SUNIONSTORE', '{s4}', '{s2}', '{s3}'],
    ['SMEMBERS', '{s4}'],
    ['SINTERCARD', 2, '{s1}', '{s2}'],
    ['SINTERCARD', 2, '{s1}', '{s2}', 'LIMIT', 1],
    ['SINTERCARD', 0, '{s1}'],
    ['SINTERCARD', 3, '{s1}', '{s2}'],
    ['SINTERCARD', 1, '{s1}', 'LIMIT', -1],
    ['SMOVE', '{s3}', '{s1}', 6],
    ['SMOVE', '{s3}', '{s1}', 6],
    ['SMOVE', '{s3}', '{s5}', 4],
    ['EXISTS', '{s3}'],
    ['SMEMBERS', '{s5}'],
    ['SET', '{sv2}', 'v'],
    ['SINTER', '{s1}', '{sv2}'],
    ['SCARD', '{sv2}'],
  ],
  'sorted sets': [
    ['ZADD', '{z}', 1, 'a', 2, 'b', 3, 'c'],
    ['ZADD', '{z}', 'INCR', 5, 'a'],
    ['ZADD', '{z}', 'NX', 'XX', 1, 'a'],
    ['ZADD', '{z}', 'GT', 'CH', 1, 'c'],
    ['ZRANGE', '{z}', 0, -1, 'WITHSCORES'],
    ['ZRANGE', '{z}', '(1', '+inf', 'BYSCORE', 'LIMIT', 0, 2],
    ['ZSCORE', '{z}', 'a'],
    ['ZCARD', '{z}'],
    ['ZREM', '{z}', 'a', 'b', 'c'],
    ['EXISTS', '{z}'],
    ['ZADD', '{z}', 'x', 'a'],
    ['ZADD', '{y}', 1, 'a', 2.5, 'b', 2.5, 'bb', 4, 'c', 8, 'd'],
    ['ZCOUNT', '{y}', '(1', 4],
    ['ZCOUNT', '{y}', '-inf', '+inf'],
    ['ZCOUNT', '{y}', 'x', 1],
    ['ZCOUNT', '{none}', 0, 1],
    ['ZINCRBY', '{y}', 0.5, 'a'],
    ['ZINCRBY', '{y}', 2, 'new'],
    ['ZINCRBY', '{y}', 'x', 'a'],
    ['ZRANK', '{y}', 'b'],
    ['ZREVRANK', '{y}', 'b'],
    ['ZRANK', '{y}', 'zz'],
    ['ZRANK', '{none}', 'a'],
    ['ZMSCORE', '{y}', 'a', 'zz', 'd'],
    ['ZMSCORE', '{none}', 'a'],
    ['ZREVRANGE', '{y}', 0, 2, 'WITHSCORES'],
    ['ZREVRANGE', '{y}', 0, 2, 'BYSCORE'],
    ['ZRANGEBYSCORE', '{y}', 2, '(8', 'WITHSCORES', 'LIMIT', 1, 2],
    ['ZREVRANGEBYSCORE', '{y}', '+inf', 2],
    ['ZRANGEBYSCORE', '{y}', 'x', 2],
    ['ZPOPMIN', '{y}'],
    ['ZPOPMAX', '{y}', 2],
    ['ZPOPMIN', '{y}', 0],
    ['ZPOPMIN', '{y}', -1],
    ['ZPOPMAX', '{none}'],
    ['ZREMRANGEBYRANK', '{y}', 0, 0],
    ['ZRANGE', '{y}', 0, -1, 'WITHSCORES'],
    ['ZADD', '{x}', 0, 'a', 0, 'b', 0, 'c', 0, 'd'],
    ['ZLEXCOUNT', '{x}', '[b', '+'],
    ['ZLEXCOUNT', '{x}', 'b', '+'],
    ['ZRANGEBYLEX', '{x}', '-', '(c'],
    ['ZREVRANGEBYLEX', '{x}', '+', '[b', 'LIMIT', 0, 2],
    ['ZREMRANGEBYLEX', '{x}', '[a', '[b'],
    ['ZREMRANGEBYSCORE', '{x}', '-inf', '(0'],
    ['ZREMRANGEBYSCORE', '{x}', 0, 0],
    ['EXISTS', '{x}'],
    ['ZREMRANGEBYRANK', '{x}', 'a', 1],
    ['SET', '{zs}', 'v'],
    ['ZCOUNT', '{zs}', 0, 1],
    ['ZINCRBY', '{zs}', 1, 'a'],
    ['ZPOPMIN', '{zs}'],
    ['ZADD', '{za}', 1, 'a', 2, 'b', 3, 'c'],
    ['ZADD', '{zb}', 10, 'b', 20, 'c', 30, 'd'],
    ['SADD', '{zsa}', 'c', 'e'],
    ['ZUNIONSTORE', '{zu}', 2, '{za}', '{zb}'],
    ['ZRANGE', '{zu}', 0, -1, 'WITHSCORES'],
    ['ZINTERSTORE', '{zu}', 2, '{za}', '{zb}', 'WEIGHTS', 2, 1],
    ['ZRANGE', '{zu}', 0, -1, 'WITHSCORES'],
    ['ZUNION', 3, '{za}', '{zb}', '{zsa}', 'AGGREGATE', 'MAX', 'WITHSCORES'],
    ['ZINTER', 2, '{za}', '{zsa}', 'WITHSCORES'],
    ['ZDIFF', 2, '{za}', '{zb}', 'WITHSCORES'],
    ['ZDIFFSTORE', '{zu}', 2, '{zb}', '{za}'],
    ['ZRANGE', '{zu}', 0, -1, 'WITHSCORES'],
    ['ZINTERSTORE', '{zu}', 2, '{za}', '{none}'],
    ['EXISTS', '{zu}'],
    ['ZUNION', 0, '{za}'],
    ['ZUNIONSTORE', '{zu}', 3, '{za}'],
    ['ZUNION', 2, '{za}', '{zb}', 'WEIGHTS', 1, 'x'],
    ['ZUNION', 2, '{za}', '{zb}', 'AGGREGATE', 'AVG'],
    ['ZDIFF', 2, '{za}', '{zb}', 'WEIGHTS', 1, 1],
    ['ZUNIONSTORE', '{zu}', 1, '{za}', 'WITHSCORES'],
    ['ZUNION', 2, '{za}', '{zs}'],
    ['ZINTER', 1, '{za}', 'AGGREGATE', 'MIN', 'WEIGHTS', 0.5],
  ],
  'wrong types': [
    ['HSET', '{wh}', 'f', 'v'],
    ['GET', '{wh}'],
    ['SADD', '{wh}', 'm'],
    ['ZADD', '{wh}', 1, 'm'],
    ['ZRANGE', '{wh}', 0, -1],
    ['SET', '{ws}', 'v'],
    ['HGET', '{ws}', 'f'],
    ['SMEMBERS', '{ws}'],
    ['ZCARD', '{ws}'],
    ['MGET', '{wh}', '{ws}'],
  ],
  lists: [
    ['RPUSH', '{l}', 'a', 'b', 'c'],
    ['LPUSH', '{l}', 'z'],
    ['LRANGE', '{l}', 0, -1],
    ['LRANGE', '{l}', -2, 100],
    ['LRANGE', '{l}', 3, 1],
    ['LRANGE', '{l}', 'x', 1],
    ['LLEN', '{l}'],
    ['LINDEX', '{l}', -1],
    ['LINDEX', '{l}', 9],
    ['LSET', '{l}', 1, 'A'],
    ['LSET', '{l}', 9, 'q'],
    ['LSET', '{none}', 0, 'q'],
    ['LINSERT', '{l}', 'BEFORE', 'b', 'ab'],
    ['LINSERT', '{l}', 'after', 'missing', 'x'],
    ['LINSERT', '{l}', 'AROUND', 'b', 'x'],
    ['LINSERT', '{none}', 'BEFORE', 'b', 'x'],
    ['RPUSH', '{l}', 'b', 'b'],
    ['LPOS', '{l}', 'b'],
    ['LPOS', '{l}', 'b', 'RANK', -1],
    ['LPOS', '{l}', 'b', 'COUNT', 0],
    ['LPOS', '{l}', 'b', 'RANK', 2, 'COUNT', 2, 'MAXLEN', 6],
    ['LPOS', '{l}', 'b', 'RANK', 0],
    ['LPOS', '{l}', 'nope'],
    ['LPOS', '{l}', 'nope', 'COUNT', 1],
    ['LPOS', '{none}', 'b', 'COUNT', 1],
    ['LREM', '{l}', -1, 'b'],
    ['LRANGE', '{l}', 0, -1],
    ['LREM', '{l}', 0, 'b'],
    ['LTRIM', '{l}', 1, -1],
    ['LRANGE', '{l}', 0, -1],
    ['LPOP', '{l}'],
    ['RPOP', '{l}', 2],
    ['LPOP', '{l}', 0],
    ['LPOP', '{l}', -1],
    ['LPOP', '{none}'],
    ['LPOP', '{none}', 2],
    ['RPUSH', '{m}', '1', '2', '3'],
    ['LMOVE', '{m}', '{n}', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', '{m}', '{n}'],
    ['LRANGE', '{n}', 0, -1],
    ['LMOVE', '{m}', '{n}', 'UP', 'LEFT'],
    ['LMOVE', '{none}', '{n}', 'LEFT', 'LEFT'],
    ['LPUSHX', '{none}', 'a'],
    ['RPUSHX', '{n}', '4'],
    ['LTRIM', '{n}', 5, 10],
    ['EXISTS', '{n}'],
    ['RPUSH', '{m}', 'x'],
    ['SET', '{sv}', 'v'],
    ['LPUSH', '{sv}', 'a'],
    ['LMOVE', '{m}', '{sv}', 'LEFT', 'LEFT'],
    ['TYPE', '{m}'],
    ['GET', '{m}'],
    ['LLEN', '{sv}'],
  ],
  scripts: [
    ['EVAL', "return {1, 'two', {3}, false, redis.call('SET', KEYS[1], ARGV[1])}", 1, '{e}', 'v'],
    ['EVAL', "return redis.pcall('INCR', KEYS[1])", 1, '{e}'],
    ['EVAL', 'return 10 / 3', 0],
    ['EVAL', "return redis.status_reply('FINE')", 0],
    ['EVAL', "return redis.error_reply('MY failure')", 0],
    // Errors raised in a script carry its sha and line, as Redis 7 reports them.
    ['SET', '{e2}', 'x'],
    ['EVAL', "return redis.call('INCR', KEYS[1])", 1, '{e2}'],
    ['EVAL', "local a = 1\nerror('boom')", 0],
    ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 0],
  ],
};

const FAMILIES: AgreeFamilies = {
  ...CORE_FAMILIES,
  ...bitFamilies,
  ...hyperLogLogFamilies,
  ...geoFamilies,
  ...streamFamilies,
  ...moreFamilies,
  ...functionFamilies,
  ...shebangFamilies,
};

describe.skipIf(!realRedisUrl)('the in-memory backend answers as Redis does', () => {
  let memory: UpstashEndpoint;
  let real: UpstashEndpoint;
  // Led by a letter: some commands splice a key into Lua source, where a UUID led by digits lexes
  // as a malformed number, and "…e-…" (an exponent's sign) is where Redis's Lua and fengari differ.
  const prefix = `agree:k${randomUUID()}:`;
  const used = new Set<string>();
  /** `{name}` → a key of this run; each family gets keys of its own, so families cannot see each other's data. */
  const withKeys = (command: Array<string | number>, scope = '') =>
    command.map((part) =>
      typeof part === 'string'
        ? part.replace(/\{(\w+)\}/g, (_, name: string) => {
            used.add(prefix + scope + name);
            return prefix + scope + name;
          })
        : part,
    );

  async function post(endpoint: UpstashEndpoint, body: unknown) {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  beforeAll(async () => {
    [memory, real] = await Promise.all([
      startUpstashEndpoint({ port: 0, token: TOKEN }),
      startUpstashEndpoint({ port: 0, token: TOKEN, redisUrl: realRedisUrl }),
    ]);
  });
  afterAll(async () => {
    if (used.size > 0) await post(real, ['DEL', ...used]);
    await Promise.all([memory.close(), real.close()]);
  });

  it("KEYS and whole SCAN iterations find the same keys (in Redis's unspecified order)", async () => {
    const keys = ['{qa}', '{qb}', '{qc}'].map((name) => String(withKeys([name])[0]));
    for (const endpoint of [memory, real]) {
      await post(endpoint, ['SET', keys[0], 'v']);
      await post(endpoint, ['HSET', keys[1], 'f', 'v']);
      await post(endpoint, ['RPUSH', keys[2], 'x']);
    }
    const pattern = `${prefix}q?`;
    async function scanAll(endpoint: UpstashEndpoint, ...options: string[]): Promise<string[]> {
      const found: string[] = [];
      let cursor = '0';
      do {
        const { body } = await post(endpoint, ['SCAN', cursor, 'MATCH', pattern, 'COUNT', '100', ...options]);
        const [next, batch] = (body as { result: [string, string[]] }).result;
        found.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      return found.sort();
    }
    const keysOf = async (endpoint: UpstashEndpoint) =>
      ((await post(endpoint, ['KEYS', pattern])).body as { result: string[] }).result.sort();
    expect(await keysOf(memory)).toEqual(await keysOf(real));
    expect(await keysOf(memory)).toEqual([...keys].sort());
    expect(await scanAll(memory)).toEqual(await scanAll(real));
    expect(await scanAll(memory, 'TYPE', 'hash')).toEqual([keys[1]]);
    expect(await scanAll(real, 'TYPE', 'hash')).toEqual([keys[1]]);
  });

  for (const [family, commands] of Object.entries(FAMILIES)) {
    it(family, async () => {
      for (const command of commands.map((command) => withKeys(command, `${family.replace(/\W+/g, '-')}:`))) {
        const [fromMemory, fromRedis] = await Promise.all([post(memory, command), post(real, command)]);
        expect(fromMemory, JSON.stringify(command)).toEqual(fromRedis);
      }
    });
  }
});
