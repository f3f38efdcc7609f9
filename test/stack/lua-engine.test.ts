// The in-memory backend's Lua engine, judged by what EVAL answers. Every suite runs against the
// in-memory backend and, when REDIS_URL is set, against that Redis with the same expectations.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILL_SCRIPT, INVALIDATE_SCRIPT, READ_SCRIPT, RELEASE_SCRIPT } from '../../src/cache';
import { redactUrl } from '../../stack/endpoint-kit';
import { createMemoryBackend } from '../../stack/upstash/memory-backend';
import { type RedisBackend, type Reply, ReplyError } from '../../stack/upstash/redis-backend';
import { connectRespBackend } from '../../stack/upstash/resp-client';

const realRedisUrl = process.env.REDIS_URL || null;
const bytes = (text: string) => Buffer.from(text);
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** A backend with helpers; keys live under a unique prefix and are deleted afterwards (never FLUSHDB a real Redis). */
function useBackend(connect: () => Promise<RedisBackend>) {
  let backend: RedisBackend;
  const prefix = `lua-engine-test:${randomUUID()}:`;
  const keys = new Set<string>();
  beforeAll(async () => {
    backend = await connect();
  });
  afterAll(async () => {
    if (keys.size > 0) await backend.pipeline([['DEL', ...keys]]);
    await backend.close();
  });

  function key(name: string): string {
    keys.add(prefix + name);
    return prefix + name;
  }

  async function command(...args: string[]): Promise<Reply> {
    const [reply] = await backend.pipeline([args]);
    return reply!;
  }

  const evalScript = (script: string, keys: string[] = [], args: string[] = []) =>
    command('EVAL', script, String(keys.length), ...keys, ...args);

  return { key, command, evalScript };
}

function luaSuite(connect: () => Promise<RedisBackend>) {
  const t = useBackend(connect);

  describe("the cache's read script", () => {
    const now = Date.now();
    /** ARGV: [now ms, lease token, lease ttl ms, version for new tags, tag ttl ms, log seen up to] */
    const args = (token: string, since = '0') => [String(now), token, '5000', 'v1', '60000', since];
    const entry = (freshUntil: number, stamp: string) => `ec2 ${freshUntil} 0 0 0 5 ${stamp} product:1\n{"id":1}`;
    /** No invalidation logged yet: seq 0, no gap, no records. */
    const emptyTail = [bytes('0'), 0, []];

    function keys(name: string) {
      const [entry, lease, seq, log, floor, tagA, tagB] = [
        'entry',
        'lease',
        'seq',
        'log',
        'floor',
        'tag:a',
        'tag:b',
      ].map((part) => t.key(`${name}:${part}`));
      return { entry: entry!, lease: lease!, seq: seq!, log: log!, floor: floor!, tagA: tagA!, tagB: tagB! };
    }
    const read = (k: ReturnType<typeof keys>, token: string, since?: string) =>
      t.evalScript(READ_SCRIPT, [k.entry, k.lease, k.seq, k.log, k.floor, k.tagA, k.tagB], args(token, since));

    it('gives the first reader of a missing entry the lease, and creates the missing tag versions', async () => {
      const k = keys('missing');
      await t.command('SET', k.tagA, 'v7');
      expect(await read(k, 'first')).toEqual([bytes(''), bytes('v7,v1'), 1, emptyTail]);
      expect(await t.command('GET', k.tagB)).toEqual(bytes('v1'));
      expect(await t.command('PTTL', k.tagB)).toBeGreaterThan(50_000);
      expect(await t.command('PTTL', k.tagA)).toBe(-1); // an existing version is left alone
      expect(await t.command('GET', k.lease)).toEqual(bytes('first'));
      expect(await t.command('PTTL', k.lease)).toBeGreaterThan(4_000);
    });

    it('gives a second reader no lease while the first holds it', async () => {
      const k = keys('second');
      expect(await read(k, 'first')).toEqual([bytes(''), bytes('v1,v1'), 1, emptyTail]);
      expect(await read(k, 'second')).toEqual([bytes(''), bytes('v1,v1'), 0, emptyTail]);
      expect(await t.command('GET', k.lease)).toEqual(bytes('first'));
    });

    it('gives the lease holder its lease again when it asks twice with the same token (its first call went unanswered)', async () => {
      const k = keys('again');
      expect(await read(k, 'first')).toEqual([bytes(''), bytes('v1,v1'), 1, emptyTail]);
      expect(await read(k, 'first')).toEqual([bytes(''), bytes('v1,v1'), 1, emptyTail]);
      expect(await read(k, 'other')).toEqual([bytes(''), bytes('v1,v1'), 0, emptyTail]);
      expect(await t.command('GET', k.lease)).toEqual(bytes('first'));
    });

    it('serves a fresh entry with a matching stamp without a lease', async () => {
      const k = keys('fresh');
      await t.command('SET', k.tagA, 'v1');
      await t.command('SET', k.tagB, 'v2');
      const stored = entry(now + 60_000, 'v1,v2');
      await t.command('SET', k.entry, stored);
      expect(await read(k, 'token')).toEqual([bytes(stored), bytes('v1,v2'), 0, emptyTail]);
      expect(await t.command('EXISTS', k.lease)).toBe(0);
    });

    it('leases a stale entry and one stamped with an old tag version', async () => {
      const stale = keys('stale');
      await t.command('SET', stale.entry, entry(now - 1, 'v1,v1'));
      expect(await read(stale, 'token')).toEqual([bytes(entry(now - 1, 'v1,v1')), bytes('v1,v1'), 1, emptyTail]);
      const invalidated = keys('invalidated');
      await t.command('SET', invalidated.tagA, 'v2');
      await t.command('SET', invalidated.entry, entry(now + 60_000, 'v1,v1'));
      expect(await read(invalidated, 'token')).toEqual([
        bytes(entry(now + 60_000, 'v1,v1')),
        bytes('v2,v1'),
        1,
        emptyTail,
      ]);
    });

    it("returns the log's records after the caller's last look, or a gap once they were trimmed", async () => {
      const k = keys('tail');
      await t.command('SET', k.seq, '30');
      await t.command('ZADD', k.log, '10', '10 a', '20', '20 b c', '30', '30 d');
      await t.command('SET', k.floor, '5');
      const [, , , tail] = (await read(k, 'token', '10')) as Reply[];
      expect(tail).toEqual([bytes('30'), 0, [bytes('20 b c'), bytes('30 d')]]);
      const [, , , gap] = (await read(k, 'token', '4')) as Reply[];
      expect(gap).toEqual([bytes('30'), 1, []]);
      const [, , , upToDate] = (await read(k, 'token', '30')) as Reply[];
      expect(upToDate).toEqual([bytes('30'), 0, []]);
    });
  });

  describe("the cache's invalidate and fill scripts", () => {
    function keys(name: string) {
      const [entry, lease, seq, log, floor, tagA] = ['entry', 'lease', 'seq', 'log', 'floor', 'tag:a'].map((part) =>
        t.key(`${name}:${part}`),
      );
      return { entry: entry!, lease: lease!, seq: seq!, log: log!, floor: floor!, tagA: tagA! };
    }
    const invalidate = (k: ReturnType<typeof keys>, now: number, cap: number, ...tags: string[]) =>
      t.evalScript(
        INVALIDATE_SCRIPT,
        [k.seq, k.log, k.floor, k.tagA],
        ['v9', '60000', String(now), String(cap), ...tags],
      );
    const fill = (k: ReturnType<typeof keys>, seq: number, ...contentTags: string[]) =>
      t.evalScript(
        FILL_SCRIPT,
        [k.entry, k.lease, k.seq, k.log, k.floor],
        ['stored', '60000', 'holder', String(seq), ...contentTags],
      );

    it('numbers invalidations by time, never backwards, logs them and trims the log to its cap', async () => {
      const k = keys('invalidate');
      expect(await invalidate(k, 1_000, 2, 'a', 'product:1')).toEqual(bytes('1000'));
      expect(await invalidate(k, 900, 2, 'b')).toEqual(bytes('1001')); // a slow clock cannot go back
      expect(await t.command('GET', k.tagA)).toEqual(bytes('v9'));
      expect(await invalidate(k, 1_764_777_600_000, 2, 'c')).toEqual(bytes('1764777600000'));
      expect(await t.command('ZRANGE', k.log, '0', '-1')).toEqual([bytes('1001 b'), bytes('1764777600000 c')]);
      expect(await t.command('GET', k.floor)).toEqual(bytes('1000'));
    });

    it('stores a value unless one of its content tags was invalidated after it was read, and releases the lease either way', async () => {
      const k = keys('fill');
      await invalidate(k, 100, 10, 'product:1', 'stats');
      await t.command('SET', k.lease, 'holder');
      expect(await fill(k, 100, 'product:1', 'product:2')).toBe(1); // read after the invalidation
      expect(await t.command('GET', k.entry)).toEqual(bytes('stored'));
      expect(await t.command('EXISTS', k.lease)).toBe(0);
      await t.command('DEL', k.entry);
      await t.command('SET', k.lease, 'holder');
      expect(await fill(k, 99, 'product:2', 'product:1')).toBe(0); // read before it
      expect(await t.command('EXISTS', k.entry)).toBe(0);
      expect(await t.command('EXISTS', k.lease)).toBe(0);
      expect(await fill(k, 99, 'product:3')).toBe(1); // another product
      await t.command('SET', k.floor, '150');
      await t.command('SET', k.seq, '200');
      expect(await fill(k, 120, 'product:3')).toBe(0); // records trimmed: cannot tell
      expect(await fill(k, 200, 'product:3')).toBe(1); // read at the last record: nothing to check
    });
  });

  describe("the cache's release script", () => {
    it('deletes the lease for the token that holds it, and only for that one', async () => {
      const lease = t.key('release:lease');
      await t.command('SET', lease, 'holder', 'PX', '5000');
      expect(await t.evalScript(RELEASE_SCRIPT, [lease], ['successor'])).toBe(0);
      expect(await t.command('GET', lease)).toEqual(bytes('holder'));
      expect(await t.evalScript(RELEASE_SCRIPT, [lease], ['holder'])).toBe(1);
      expect(await t.command('EXISTS', lease)).toBe(0);
      expect(await t.evalScript(RELEASE_SCRIPT, [lease], ['holder'])).toBe(0);
    });
  });

  describe('redis.call and redis.pcall', () => {
    it('convert replies as Redis does: status to {ok=…}, nil to false, integers to numbers', async () => {
      const k = t.key('call:convert');
      const script = `
        local set = redis.call('SET', KEYS[1], '41')
        return {type(set), set['ok'], type(redis.call('GET', KEYS[2])), redis.call('INCR', KEYS[1]) + 1}`;
      expect(await t.evalScript(script, [k, t.key('call:missing')])).toEqual([
        bytes('table'),
        bytes('OK'),
        bytes('boolean'),
        43,
      ]);
      expect(await t.evalScript("return redis.call('SET', KEYS[1], 'v')", [k])).toBe('OK'); // a status again, not a bulk string
    });

    it('apply the checks of the command itself, lower-case options included', async () => {
      const k = t.key('call:options');
      expect(await t.evalScript("return redis.call('set', KEYS[1], 'v', 'px', 5000, 'nx')", [k])).toBe('OK');
      expect(await t.command('PTTL', k)).toBeGreaterThan(4_000);
      expect(await t.evalScript("return redis.call('set', KEYS[1], 'w', 'nx')", [k])).toBeNull();
    });

    it('print numbers given as arguments as Redis does', async () => {
      const [half, tenth, big] = [t.key('call:half'), t.key('call:tenth'), t.key('call:big')];
      const script = `
        redis.call('SET', KEYS[1], 10 / 2)
        redis.call('SET', KEYS[2], 0.1)
        redis.call('SET', KEYS[3], 5000000000)
        return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2]), redis.call('INCRBY', KEYS[3], 1)}`;
      expect(await t.evalScript(script, [half, tenth, big])).toEqual([
        bytes('5'),
        bytes('0.10000000000000001'),
        5_000_000_001,
      ]);
    });

    it('pcall returns an error reply as an {err=…} table', async () => {
      const [text, hash] = [t.key('pcall:text'), t.key('pcall:hash')];
      await t.command('SET', text, 'not a number');
      await t.command('HSET', hash, 'field', 'value');
      const script = `
        local replies = {redis.pcall('INCR', KEYS[1]), redis.pcall('GET', KEYS[2]), redis.pcall('GET'), redis.pcall('NOSUCHCOMMAND')}
        for i, reply in ipairs(replies) do replies[i] = type(reply) .. ': ' .. reply['err'] end
        return replies`;
      expect(await t.evalScript(script, [text, hash])).toEqual([
        bytes('table: ERR value is not an integer or out of range'),
        bytes('table: WRONGTYPE Operation against a key holding the wrong kind of value'),
        bytes('table: ERR Wrong number of args calling Redis command from script'),
        bytes('table: ERR Unknown Redis command called from script'),
      ]);
      expect(await t.evalScript("return redis.pcall('INCR', KEYS[1])", [text])).toEqual(
        new ReplyError('ERR value is not an integer or out of range'),
      );
    });

    it('call raises the error, which stops the script and fails EVAL', async () => {
      const [text, after] = [t.key('call:text'), t.key('call:after')];
      await t.command('SET', text, 'not a number');
      const reply = await t.evalScript("redis.call('INCR', KEYS[1]) redis.call('SET', KEYS[2], 'ran')", [text, after]);
      expect(reply).toBeInstanceOf(ReplyError);
      expect((reply as ReplyError).message).toMatch(/^ERR .*value is not an integer or out of range/);
      expect(await t.command('EXISTS', after)).toBe(0);
      const caught = "local ok, message = pcall(redis.call, 'INCR', KEYS[1]) return {tostring(ok), message}";
      expect(await t.evalScript(caught, [text])).toEqual([
        bytes('false'),
        bytes('ERR value is not an integer or out of range'),
      ]);
    });

    it('refuses scripting commands and arguments that are neither strings nor numbers', async () => {
      expect(await t.evalScript("return redis.pcall('EVAL', 'return 1', 0)['err']")).toEqual(
        bytes('ERR This Redis command is not allowed from script'),
      );
      expect(await t.evalScript("return redis.pcall('GET', {})['err']")).toEqual(
        bytes('ERR Lua redis lib command arguments must be strings or integers'),
      );
    });
  });

  describe('return values', () => {
    it('turn {ok=…} into a status and {err=…} into an error, also through the redis helpers', async () => {
      expect(await t.evalScript("return {ok='Fine'}")).toBe('Fine');
      expect(await t.evalScript("return redis.status_reply('Fine')")).toBe('Fine');
      expect(await t.evalScript("return {err='My Error'}")).toEqual(new ReplyError('My Error'));
      expect(await t.evalScript("return redis.error_reply('My Error')")).toEqual(new ReplyError('My Error'));
      expect(await t.evalScript("return redis.error_reply('boom')")).toEqual(new ReplyError('ERR boom'));
      expect(await t.evalScript("return {1, {err='inner'}, {ok='fine'}}")).toEqual([
        1,
        new ReplyError('inner'),
        'fine',
      ]);
    });

    it('convert numbers, booleans and arrays as Redis does, stopping an array at its first nil', async () => {
      expect(await t.evalScript("return {1.9, -1.9, true, false, 'x', {}}")).toEqual([1, -1, 1, null, bytes('x'), []]);
      expect(await t.evalScript('return {1, 2, nil, 4}')).toEqual([1, 2]);
      expect(await t.evalScript('return 2^53')).toBe(2 ** 53);
    });

    it('keep the bytes of a string', async () => {
      expect(await t.evalScript('return string.char(255, 0, 254)')).toEqual(Buffer.from([255, 0, 254]));
      expect(await t.evalScript("return redis.sha1hex('')")).toEqual(bytes('da39a3ee5e6b4b0d3255bfef95601890afd80709'));
    });
  });

  describe('isolation between calls', () => {
    it('gives each call fresh KEYS and ARGV tables', async () => {
      const script = "KEYS[#KEYS + 1] = 'extra' ARGV[#ARGV + 1] = 'extra' return {#KEYS, #ARGV}";
      expect(await t.evalScript(script, [t.key('fresh:1')], ['a'])).toEqual([2, 2]);
      expect(await t.evalScript(script, [t.key('fresh:1')], ['a'])).toEqual([2, 2]);
      expect(await t.evalScript('return {#KEYS, #ARGV}')).toEqual([0, 0]);
      const sha = (await t.command('SCRIPT', 'LOAD', 'return {KEYS[1], ARGV[1]}')) as Buffer;
      expect(await t.command('EVALSHA', sha.toString(), '1', 'first', 'one')).toEqual([bytes('first'), bytes('one')]);
      expect(await t.command('EVALSHA', sha.toString(), '1', 'second', 'two')).toEqual([bytes('second'), bytes('two')]);
    });

    it('refuses to set globals or change the libraries, so nothing carries over to the next call', async () => {
      for (const script of ['leaked = 1', "rawset(_G, 'leaked', 1)", 'string.leaked = 1', 'redis.call = nil']) {
        const reply = await t.evalScript(script);
        expect(reply, script).toBeInstanceOf(ReplyError);
        expect((reply as ReplyError).message, script).toMatch(/Attempt to modify a readonly table/);
      }
      const reply = await t.evalScript('return leaked');
      expect((reply as ReplyError).message).toMatch(/Script attempted to access nonexistent global variable 'leaked'/);
      expect(await t.evalScript('return string.leaked == nil')).toBe(1);
      expect(await t.evalScript("return redis.call('PING')")).toBe('PONG');
    });
  });

  describe('compilation', () => {
    it('reports a syntax error and does not keep the script', async () => {
      const script = `return + -- ${randomUUID()}`;
      const reply = await t.evalScript(script);
      expect((reply as ReplyError).message).toMatch(/^ERR Error compiling script \(new function\): user_script:1: /);
      const sha = (await t.command('SCRIPT', 'LOAD', `return 1 -- ${randomUUID()}`)) as Buffer;
      const [exists] = (await t.command('SCRIPT', 'EXISTS', sha.toString())) as number[];
      expect(exists).toBe(1);
      expect(await t.command('SCRIPT', 'LOAD', script)).toBeInstanceOf(ReplyError);
    });
  });

  describe('shebang lines (#!lua flags=…)', () => {
    it('are hashed with the script, and count as its first line', async () => {
      const k = t.key('shebang');
      await t.command('SET', k, 'v');
      const read = `#!lua flags=no-writes,allow-stale\nreturn redis.call('GET', KEYS[1]) -- ${randomUUID()}`;
      expect(await t.evalScript(read, [k])).toEqual(bytes('v'));
      expect(await t.command('SCRIPT', 'EXISTS', sha1(read))).toEqual([1]);
      expect(await t.command('EVALSHA', sha1(read), '1', k)).toEqual(bytes('v'));
      const failing = "#!lua\nlocal a = 1\nerror('boom')";
      expect(await t.evalScript(failing)).toEqual(
        new ReplyError(`ERR user_script:3: boom script: ${sha1(failing)}, on @user_script:3.`),
      );
      expect(await t.evalScript('#!lua\nreturn +')).toEqual(
        new ReplyError("ERR Error compiling script (new function): user_script:2: unexpected symbol near '+'"),
      );
      expect(await t.evalScript('#!lua flags=\r\nreturn 1')).toBe(1);
    });

    it('make a no-writes script read-only, and keep EVAL_RO from running scripts without that flag', async () => {
      const k = t.key('shebang:writes');
      const write = "#!lua flags=no-writes\nreturn redis.call('SET', KEYS[1], 'w')";
      expect(await t.evalScript(write, [k])).toEqual(
        new ReplyError(
          `ERR Write commands are not allowed from read-only scripts. script: ${sha1(write)}, on @user_script:2.`,
        ),
      );
      expect(await t.command('EVAL_RO', "#!lua flags=no-writes\nreturn 'read'", '0')).toEqual(bytes('read'));
      const writer = "#!lua\nreturn redis.call('SET', KEYS[1], 'w')";
      expect(await t.evalScript(writer, [k])).toBe('OK');
      for (const command of [
        ['EVAL_RO', writer, '1', k],
        ['EVALSHA_RO', sha1(writer), '1', k],
      ]) {
        expect(await t.command(...command)).toEqual(
          new ReplyError('ERR Can not execute a script with write flag using *_ro command.'),
        );
      }
    });

    it('refuse an unknown engine, option or flag with the errors of Redis 7', async () => {
      const refusals: Array<[string, string]> = [
        ['#!python\nreturn 1', 'ERR Unexpected engine in script shebang: #!python'],
        ['#!LUA\nreturn 1', 'ERR Unexpected engine in script shebang: #!LUA'],
        ['#!lua foo=bar\nreturn 1', 'ERR Unknown lua shebang option: foo=bar'],
        ['#!lua flags=no-writes,fast\nreturn 1', 'ERR Unexpected flag in script shebang: fast'],
        ['#!lua flags=no-writes,\nreturn 1', 'ERR Unexpected flag in script shebang: '],
        ['#!lua "flags=no-writes\nreturn 1', 'ERR Invalid engine in script shebang'],
        ['#!lua', 'ERR Invalid script shebang'],
      ];
      for (const [script, error] of refusals) {
        expect(await t.evalScript(script), script).toEqual(new ReplyError(error));
        expect(await t.command('SCRIPT', 'LOAD', script), script).toEqual(new ReplyError(error));
      }
    });
  });
}

describe('Lua engine, in-memory backend', () => {
  luaSuite(async () => createMemoryBackend());

  // Not run against a real Redis: its script cache is shared by every client of the server.
  it('drops compiled scripts on SCRIPT FLUSH', async () => {
    const backend = createMemoryBackend();
    try {
      const [sha] = (await backend.pipeline([['SCRIPT', 'LOAD', 'return 1']])) as Buffer[];
      const replies = await backend.pipeline([
        ['SCRIPT', 'FLUSH'],
        ['SCRIPT', 'EXISTS', sha!.toString()],
        ['EVALSHA', sha!.toString(), '0'],
        ['SCRIPT', 'FLUSH', 'NOW'],
      ]);
      expect(replies).toEqual([
        'OK',
        [0],
        new ReplyError('NOSCRIPT No matching script. Please use EVAL.'),
        new ReplyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option'),
      ]);
    } finally {
      await backend.close();
    }
  });
});

describe.skipIf(!realRedisUrl)(
  `Lua engine, real Redis (${realRedisUrl ? redactUrl(realRedisUrl) : 'skipped: REDIS_URL is not set'})`,
  () => luaSuite(() => connectRespBackend(realRedisUrl ?? '')),
);
