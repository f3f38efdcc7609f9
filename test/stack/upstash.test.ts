// Protocol conformance of the local Upstash endpoint, judged by the real @upstash/redis client.
// Every suite runs against the in-memory backend and, when REDIS_URL is set, against that Redis,
// where replies are also compared with what Redis answers over plain TCP.
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Ratelimit } from '@upstash/ratelimit';
import { errors, Redis, type RedisConfigNodejs } from '@upstash/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EndpointStats, redactUrl } from '../../stack/endpoint-kit';
import { StackError } from '../../stack/stack-error';
import type { RedisBackend } from '../../stack/upstash/redis-backend';
import { connectRespBackend } from '../../stack/upstash/resp-client';
import { startUpstashEndpoint, type UpstashEndpoint } from '../../stack/upstash/server';

const TOKEN = 'upstash-test-token';
const realRedisUrl = process.env.REDIS_URL || null;

const BASE64 = { 'upstash-encoding': 'base64' };
const b64 = (text: string) => Buffer.from(text).toString('base64');
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Strings that break naive encodings: multi-byte, control bytes, and text that looks like something else. */
const TRICKY_STRINGS = [
  'héllo ✓ 😀',
  'OK',
  '\u0000\u0001',
  'aGVsbG8=',
  'T0s=',
  '12345',
  '007',
  '1e3',
  '',
  ' padded ',
  'null',
  'true',
];

/** An endpoint with its clients, fetch helpers and a per-run key namespace. */
function useEndpoint(redisUrl: string | null) {
  const ctx = {} as {
    endpoint: UpstashEndpoint;
    /** The client as the Worker uses it: base64 responses, auto-pipelining, JSON deserialization. */
    redis: Redis;
    /** Strings exactly as stored: no deserialization, one HTTP request per command. */
    raw: Redis;
    /** Like `raw`, without `Upstash-Encoding: base64`. */
    plain: Redis;
  };
  const prefix = `upstash-test:${randomUUID()}:`;
  const keys = new Set<string>();

  const client = (options: Partial<RedisConfigNodejs> = {}) =>
    new Redis({ url: ctx.endpoint.url, token: TOKEN, retry: false, enableTelemetry: false, ...options });

  beforeAll(async () => {
    ctx.endpoint = await startUpstashEndpoint({ port: 0, token: TOKEN, redisUrl });
    ctx.redis = client();
    ctx.raw = client({ automaticDeserialization: false, enableAutoPipelining: false });
    ctx.plain = client({ automaticDeserialization: false, enableAutoPipelining: false, responseEncoding: false });
  });
  beforeEach(() => control('reset'));
  afterAll(async () => {
    await control('reset');
    if (keys.size > 0) await ctx.raw.del(...keys);
    await ctx.endpoint.close();
  });

  /** A key unique to this run, deleted after the suite (never FLUSHDB a real Redis). */
  function key(name: string): string {
    keys.add(prefix + name);
    return prefix + name;
  }

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(ctx.endpoint.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  }

  async function control(action: 'reset' | 'fault', body?: unknown): Promise<void> {
    const response = await fetch(`${ctx.endpoint.url}/_stack/${action}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(response.status, `/_stack/${action}`).toBe(204);
  }

  async function stats(): Promise<unknown> {
    const response = await fetch(`${ctx.endpoint.url}/_stack/stats`);
    expect(response.status).toBe(200);
    return response.json();
  }

  return Object.assign(ctx, { client, key, post, control, stats });
}

function conformanceSuite(redisUrl: string | null) {
  const t = useEndpoint(redisUrl);

  describe('strings and reply encoding', () => {
    it('round-trips unicode and look-alike strings exactly, with and without base64', async () => {
      for (const [i, value] of TRICKY_STRINGS.entries()) {
        const k = t.key(`tricky:${i}`);
        expect(await t.raw.set(k, value)).toBe('OK');
        expect(await t.raw.get(k), JSON.stringify(value)).toBe(value);
        expect(await t.plain.get(k), JSON.stringify(value)).toBe(value);
      }
    });

    it('sends bulk strings as base64, the OK status bare, integers and nil as JSON', async () => {
      const k = t.key('wire');
      expect(await t.post('/', ['SET', k, 'OK'], BASE64)).toMatchObject({ status: 200, body: { result: 'OK' } });
      expect((await t.post('/', ['GET', k], BASE64)).body).toEqual({ result: b64('OK') });
      expect((await t.post('/', ['GET', k])).body).toEqual({ result: 'OK' });
      expect((await t.post('/', ['TYPE', k], BASE64)).body).toEqual({ result: b64('string') });
      expect((await t.post('/', ['PING'], BASE64)).body).toEqual({ result: b64('PONG') });
      expect((await t.post('/', ['INCR', t.key('wire:n')], BASE64)).body).toEqual({ result: 1 });
      expect((await t.post('/', ['GET', t.key('wire:missing')], BASE64)).body).toEqual({ result: null });
      await t.post('/', ['SET', k, 'héllo ✓ 😀']);
      expect((await t.post('/', ['GET', k], BASE64)).body).toEqual({ result: b64('héllo ✓ 😀') });
    });

    it('passes JSON numbers and booleans in a command as their text', async () => {
      const k = t.key('typed-args');
      expect((await t.post('/', ['SET', k, 42, 'EX', 60])).status).toBe(200);
      expect((await t.post('/', ['GET', k])).body).toEqual({ result: '42' });
      expect((await t.post('/', ['TTL', k])).body).toEqual({ result: 60 });
      await t.post('/', ['SET', k, true]);
      expect((await t.post('/', ['GET', k])).body).toEqual({ result: 'true' });
    });

    it('answers a pipeline with one result or error entry per command', async () => {
      const k = t.key('wire:pipeline');
      const { status, body } = await t.post(
        '/pipeline',
        [
          ['SET', k, 'v'],
          ['GET', k],
          ['INCR', k],
        ],
        BASE64,
      );
      expect(status).toBe(200);
      expect(body).toEqual([
        { result: 'OK' },
        { result: b64('v') },
        { error: 'ERR value is not an integer or out of range' },
      ]);
    });

    it('sends HGETALL and ZRANGE WITHSCORES as flat arrays of strings', async () => {
      const hash = t.key('wire:hash');
      const zset = t.key('wire:zset');
      await t.post('/', ['HSET', hash, 'name', 'Ada', 'visits', '3']);
      await t.post('/', ['ZADD', zset, '1', 'a', '2.5', 'b', '10', 'c']);
      expect((await t.post('/', ['HGETALL', hash])).body).toEqual({ result: ['name', 'Ada', 'visits', '3'] });
      expect((await t.post('/', ['ZRANGE', zset, '0', '-1', 'WITHSCORES'])).body).toEqual({
        result: ['a', '1', 'b', '2.5', 'c', '10'],
      });
      expect((await t.post('/', ['ZRANGE', zset, '0', '-1', 'WITHSCORES'], BASE64)).body).toEqual({
        result: ['a', '1', 'b', '2.5', 'c', '10'].map(b64),
      });
    });
  });

  describe('JSON values (automatic serialization)', () => {
    it('stores objects, arrays, numbers and booleans as JSON and reads them back typed', async () => {
      const values: Record<string, unknown> = {
        object: { a: 1, list: [1, 'two', true], nested: { none: null } },
        array: [1, 2, 3],
        integer: 42,
        float: 3.14,
        negative: -7,
        yes: true,
        no: false,
      };
      for (const [name, value] of Object.entries(values)) {
        const k = t.key(`json:${name}`);
        await t.redis.set(k, value);
        expect(await t.redis.get(k), name).toEqual(value);
        expect(await t.raw.get(k), name).toBe(JSON.stringify(value));
      }
    });

    it('reads several keys with MGET, nil for missing keys and keys of another type', async () => {
      const [a, b, hash] = [t.key('mget:a'), t.key('mget:b'), t.key('mget:hash')];
      await t.redis.mset({ [a]: { n: 1 }, [b]: 'text' });
      await t.redis.hset(hash, { f: 'v' });
      expect(await t.redis.mget(a, t.key('mget:missing'), b, hash)).toEqual([{ n: 1 }, null, 'text', null]);
    });
  });

  describe('expiry', () => {
    it('sets TTLs with EX, PX, EXAT and PXAT', async () => {
      const [ex, px, exat, pxat] = [t.key('ttl:ex'), t.key('ttl:px'), t.key('ttl:exat'), t.key('ttl:pxat')];
      expect(await t.raw.set(ex, 'v', { ex: 60 })).toBe('OK');
      expect(await t.raw.ttl(ex)).toBe(60);
      await t.raw.set(px, 'v', { px: 1500 });
      expect(await t.raw.pttl(px)).toSatisfy((ms: number) => ms > 1000 && ms <= 1500);
      await t.raw.set(exat, 'v', { exat: Math.floor(Date.now() / 1000) + 100 });
      expect(await t.raw.ttl(exat)).toSatisfy((s: number) => s >= 99 && s <= 100);
      await t.raw.set(pxat, 'v', { pxat: Date.now() + 5000 });
      expect(await t.raw.pttl(pxat)).toSatisfy((ms: number) => ms > 4000 && ms <= 5000);
    });

    it('honours NX, XX, GET and KEEPTTL', async () => {
      const k = t.key('set:options');
      expect(await t.raw.set(k, 'first', { nx: true, ex: 100 })).toBe('OK');
      expect(await t.raw.set(k, 'second', { nx: true })).toBeNull();
      expect(await t.raw.get(k)).toBe('first');
      expect(await t.raw.set(t.key('set:absent'), 'v', { xx: true })).toBeNull();
      expect(await t.raw.exists(t.key('set:absent'))).toBe(0);
      expect(await t.raw.set(k, 'third', { keepTtl: true })).toBe('OK');
      expect(await t.raw.ttl(k)).toBeGreaterThanOrEqual(99);
      expect(await t.raw.set(k, 'fourth', { get: true })).toBe('third');
      expect(await t.raw.ttl(k)).toBe(-1);
    });

    it('manages TTLs with EXPIRE, PEXPIRE, TTL and PTTL, options included', async () => {
      const k = t.key('expire');
      await t.raw.set(k, 'v');
      expect(await t.raw.ttl(k)).toBe(-1);
      expect(await t.raw.ttl(t.key('expire:missing'))).toBe(-2);
      expect(await t.raw.pttl(t.key('expire:missing'))).toBe(-2);
      expect(await t.raw.expire(t.key('expire:missing'), 10)).toBe(0);
      expect(await t.raw.expire(k, 100, 'XX')).toBe(0);
      expect(await t.raw.expire(k, 100)).toBe(1);
      expect(await t.raw.expire(k, 50, 'NX')).toBe(0);
      expect(await t.raw.expire(k, 50, 'GT')).toBe(0);
      expect(await t.raw.expire(k, 200, 'GT')).toBe(1);
      expect(await t.raw.ttl(k)).toBe(200);
      expect(await t.raw.expire(k, 300, 'LT')).toBe(0);
      expect(await t.raw.expire(k, 150, 'LT')).toBe(1);
      expect(await t.raw.ttl(k)).toBe(150);
      expect(await t.raw.pexpire(k, 60)).toBe(1);
      await sleep(150);
      expect(await t.raw.exists(k)).toBe(0);
      expect(await t.raw.get(k)).toBeNull();
    });
  });

  describe('counters', () => {
    it('counts with INCR, INCRBY and DECR, keeping the TTL', async () => {
      const k = t.key('counter');
      expect(await t.redis.incr(k)).toBe(1);
      expect(await t.redis.incrby(k, 10)).toBe(11);
      expect(await t.redis.decr(k)).toBe(10);
      expect(await t.redis.incrby(k, -20)).toBe(-10);
      await t.redis.expire(k, 100);
      await t.redis.incr(k);
      expect(await t.redis.ttl(k)).toBeGreaterThanOrEqual(99);
    });

    it('fails INCR on a non-integer with an UpstashError, alone or auto-pipelined', async () => {
      const k = t.key('counter:text');
      await t.raw.set(k, 'abc');
      const alone = t.raw.incr(k);
      await expect(alone).rejects.toBeInstanceOf(errors.UpstashError);
      await expect(alone).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(t.redis.incr(k)).rejects.toThrow(/^Command failed: ERR value is not an integer or out of range/);
      expect(await t.raw.get(k)).toBe('abc');
    });
  });

  describe('keys', () => {
    it('deletes with DEL and UNLINK, counts with EXISTS', async () => {
      const [a, b, c] = [t.key('keys:a'), t.key('keys:b'), t.key('keys:c')];
      await t.redis.mset({ [a]: 1, [b]: 2, [c]: 3 });
      expect(await t.redis.exists(a, a, b, t.key('keys:missing'))).toBe(3);
      expect(await t.redis.del(a, b, t.key('keys:missing'))).toBe(2);
      expect(await t.redis.unlink(c)).toBe(1);
      expect(await t.redis.exists(a, b, c)).toBe(0);
    });

    it('names types with TYPE and answers PING, ECHO and DBSIZE', async () => {
      await t.redis.set(t.key('type:string'), 'v');
      await t.redis.hset(t.key('type:hash'), { f: 'v' });
      await t.redis.sadd(t.key('type:set'), 'm');
      await t.redis.zadd(t.key('type:zset'), { score: 1, member: 'm' });
      for (const type of ['string', 'hash', 'set', 'zset', 'none']) {
        expect(await t.redis.type(t.key(`type:${type}`))).toBe(type);
      }
      expect(await t.redis.ping()).toBe('PONG');
      expect(await t.raw.ping(['héllo'])).toBe('héllo');
      expect(await t.raw.echo('héllo ✓ 😀')).toBe('héllo ✓ 😀');
      expect(await t.redis.dbsize()).toBeGreaterThanOrEqual(4);
    });
  });

  describe('hashes', () => {
    it('writes with HSET and reads with HGET and HGETALL', async () => {
      const k = t.key('hash');
      expect(await t.redis.hset(k, { name: 'Ada', visits: 3, tags: ['x', 'y'] })).toBe(3);
      expect(await t.redis.hset(k, { visits: 4 })).toBe(0);
      expect(await t.redis.hget(k, 'name')).toBe('Ada');
      expect(await t.redis.hget(k, 'missing')).toBeNull();
      expect(await t.redis.hgetall(k)).toEqual({ name: 'Ada', visits: 4, tags: ['x', 'y'] });
      expect(await t.redis.hgetall(t.key('hash:missing'))).toBeNull();
    });

    it('increments with HINCRBY and deletes fields with HDEL', async () => {
      const k = t.key('hash:counters');
      expect(await t.redis.hincrby(k, 'hits', 5)).toBe(5);
      expect(await t.redis.hincrby(k, 'hits', -2)).toBe(3);
      await t.redis.hset(k, { label: 'text' });
      await expect(t.raw.hincrby(k, 'label', 1)).rejects.toThrow('ERR hash value is not an integer');
      expect(await t.redis.hdel(k, 'label', 'missing')).toBe(1);
      expect(await t.redis.hdel(k, 'hits')).toBe(1);
      expect(await t.redis.exists(k)).toBe(0);
    });

    it('refuses a hash command on a string with WRONGTYPE', async () => {
      const k = t.key('hash:wrongtype');
      await t.redis.set(k, 'v');
      await expect(t.raw.hget(k, 'f')).rejects.toThrow(
        /^WRONGTYPE Operation against a key holding the wrong kind of value/,
      );
    });
  });

  describe('sets', () => {
    it('adds, removes, lists and tests members', async () => {
      const k = t.key('set');
      expect(await t.redis.sadd(k, 'a', 'b', 'a', 'c')).toBe(3);
      expect(await t.redis.sismember(k, 'a')).toBe(1);
      expect(await t.redis.sismember(k, 'z')).toBe(0);
      expect(await t.redis.srem(k, 'b', 'z')).toBe(1);
      expect((await t.redis.smembers(k)).sort()).toEqual(['a', 'c']);
      expect(await t.redis.smembers(t.key('set:missing'))).toEqual([]);
    });
  });

  describe('sorted sets', () => {
    it('adds members with scores and reads them with ZSCORE and ZRANGE', async () => {
      const k = t.key('zset');
      const added = await t.redis.zadd(
        k,
        { score: 1, member: 'a' },
        { score: 2.5, member: 'b' },
        { score: 10, member: 'c' },
      );
      expect(added).toBe(3);
      expect(await t.redis.zscore(k, 'b')).toBe(2.5);
      expect(await t.redis.zscore(k, 'missing')).toBeNull();
      expect(await t.redis.zrange(k, 0, -1, { withScores: true })).toEqual(['a', 1, 'b', 2.5, 'c', 10]);
      expect(await t.redis.zrange(k, 0, -1, { rev: true })).toEqual(['c', 'b', 'a']);
      expect(await t.redis.zrange(k, 2, 10, { byScore: true })).toEqual(['b', 'c']);
      expect(await t.redis.zrange(k, '-inf', '+inf', { byScore: true, offset: 1, count: 1 })).toEqual(['b']);
      const lex = t.key('zset:lex');
      await t.redis.zadd(lex, { score: 0, member: 'a' }, { score: 0, member: 'b' }, { score: 0, member: 'c' });
      expect(await t.redis.zrange(lex, '[a', '(c', { byLex: true })).toEqual(['a', 'b']);
    });

    it('honours ZADD INCR, NX, XX, GT, LT and CH, and ZREM deletes an emptied key', async () => {
      const k = t.key('zset:options');
      await t.redis.zadd(k, { score: 1, member: 'a' }, { score: 10, member: 'c' });
      expect(await t.redis.zadd(k, { incr: true }, { score: 5, member: 'a' })).toBe(6);
      expect(await t.redis.zadd(k, { nx: true }, { score: 0, member: 'a' }, { score: 3, member: 'b' })).toBe(1);
      expect(await t.redis.zadd(k, { gt: true, ch: true }, { score: 1, member: 'c' })).toBe(0);
      expect(await t.redis.zadd(k, { gt: true, ch: true }, { score: 20, member: 'c' })).toBe(1);
      expect(await t.redis.zadd(k, { lt: true, ch: true }, { score: 2, member: 'b' })).toBe(1);
      expect(await t.redis.zadd(k, { xx: true }, { score: 1, member: 'absent' })).toBe(0);
      expect(await t.redis.zrange(k, 0, -1, { withScores: true })).toEqual(['b', 2, 'a', 6, 'c', 20]);
      expect(await t.redis.zrem(k, 'a', 'b', 'c', 'missing')).toBe(3);
      expect(await t.redis.exists(k)).toBe(0);
    });

    it('answers ZRANGE by rank, score and lex, reversed and limited, and its errors, as Redis does', async () => {
      const k = t.key('zset:ranges');
      await t.post('/', ['ZADD', k, '1', 'a', '2', 'b', '2', 'bb', '3', 'c', '5', 'e']);
      const zrange = async (...args: string[]) => (await t.post('/', ['ZRANGE', k, ...args])).body;
      expect(await zrange('-2', '-1')).toEqual({ result: ['c', 'e'] });
      expect(await zrange('1', '100', 'REV')).toEqual({ result: ['c', 'bb', 'b', 'a'] });
      expect(await zrange('3', '1')).toEqual({ result: [] });
      expect(await zrange('(1', '3', 'BYSCORE')).toEqual({ result: ['b', 'bb', 'c'] });
      expect(await zrange('+inf', '(2', 'BYSCORE', 'REV', 'WITHSCORES')).toEqual({ result: ['e', '5', 'c', '3'] });
      expect(await zrange('-inf', '+inf', 'byscore', 'limit', '1', '-1')).toEqual({ result: ['b', 'bb', 'c', 'e'] });
      expect(await zrange('2', '2', 'BYSCORE', 'LIMIT', '1', '5')).toEqual({ result: ['bb'] });
      expect(await zrange('-', '+', 'BYLEX', 'LIMIT', '0', '2')).toEqual({ result: ['a', 'b'] });
      expect(await zrange('[c', '(b', 'BYLEX', 'REV')).toEqual({ result: ['c', 'bb'] });
      expect(await zrange('0', '-1', 'LIMIT', '0', '1')).toEqual({
        error: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
      });
      expect(await zrange('-', '+', 'BYLEX', 'WITHSCORES')).toEqual({
        error: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
      });
      expect(await zrange('x', '1', 'BYSCORE')).toEqual({ error: 'ERR min or max is not a float' });
      expect(await zrange('a', '+', 'BYLEX')).toEqual({ error: 'ERR min or max not valid string range item' });
      expect(await zrange('0', '1', 'SIDEWAYS')).toEqual({ error: 'ERR syntax error' });
      expect((await t.post('/', ['ZCARD', k])).body).toEqual({ result: 5 });
      expect((await t.post('/', ['TYPE', k])).body).toEqual({ result: 'zset' });
      expect((await t.post('/', ['GET', k])).body).toEqual({
        error: 'WRONGTYPE Operation against a key holding the wrong kind of value',
      });
      expect((await t.post('/', ['HSET', k, 'f', 'v'])).body).toEqual({
        error: 'WRONGTYPE Operation against a key holding the wrong kind of value',
      });
      expect((await t.post('/', ['PEXPIRE', k, '60000'])).body).toEqual({ result: 1 });
      expect((await t.post('/', ['ZRANGE', t.key('zset:none'), '0', '-1'])).body).toEqual({ result: [] });
    });
  });

  describe('publish and subscribe', () => {
    it('delivers a message published by another client to a subscriber, as server-sent events', async () => {
      const channel = `${t.key('chat')}:room`;
      const subscriber = t.client().subscribe([channel]);
      try {
        const subscribed = new Promise((resolve) => subscriber.on('subscribe', resolve));
        const heard = new Promise((resolve) => subscriber.on('message', resolve));
        expect(await subscribed).toBe(1);
        expect(await t.client().publish(channel, { text: 'hello, world' })).toBe(1);
        expect(await heard).toEqual({ channel, message: { text: 'hello, world' } });
        // Nobody listens on another channel.
        expect(await t.client().publish(`${channel}:other`, 'x')).toBe(0);
      } finally {
        await subscriber.unsubscribe();
      }
    });

    it('delivers to pattern subscribers, with the pattern and the channel', async () => {
      const prefix = t.key('news');
      const subscriber = t.client().psubscribe([`${prefix}.*`]);
      try {
        const subscribed = new Promise((resolve) => subscriber.on('psubscribe', resolve));
        const heard = new Promise((resolve) => subscriber.on('pmessage', resolve));
        expect(await subscribed).toBe(1);
        // JSON: the client parses pattern messages as JSON (plain text is an 'error' event there, as with Upstash).
        expect(await t.client().publish(`${prefix}.eu`, { headline: 'breaking' })).toBe(1);
        expect(await heard).toEqual({
          pattern: `${prefix}.*`,
          channel: `${prefix}.eu`,
          message: { headline: 'breaking' },
        });
      } finally {
        await subscriber.unsubscribe();
      }
    });

    it('stops delivering once the subscriber unsubscribes', async () => {
      const channel = `${t.key('gone')}:room`;
      const subscriber = t.client().subscribe([channel]);
      await new Promise((resolve) => subscriber.on('subscribe', resolve));
      await subscriber.unsubscribe();
      const publisher = t.client();
      // The endpoint notices the closed stream a moment later.
      let receivers = 1;
      for (const deadline = Date.now() + 2000; receivers !== 0 && Date.now() < deadline; ) {
        receivers = await publisher.publish(channel, 'anyone?');
        if (receivers !== 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(receivers).toBe(0);
    });
  });

  describe('the later command families through the real client', () => {
    it('streams, geo, bits, HyperLogLog, COPY, floats, LMPOP, read-only scripts and functions', async () => {
      const key = (name: string) => t.key(`families:${name}`);
      const [stream, places, bits, visitors, other, copied, float, list] = [
        key('stream'),
        key('places'),
        key('bits'),
        key('visitors'),
        key('visitors2'),
        key('copied'),
        key('float'),
        key('list'),
      ];
      expect(await t.redis.xadd(stream, '1-1', { f: 'v' })).toBe('1-1');
      expect(await t.redis.xrange(stream, '-', '+')).toEqual({ '1-1': { f: 'v' } });
      expect(
        await t.redis.geoadd(
          places,
          { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
          { longitude: 15.087269, latitude: 37.502669, member: 'Catania' },
        ),
      ).toBe(2);
      expect(await t.redis.geodist(places, 'Palermo', 'Catania', 'KM')).toBe(166.2742);
      expect(await t.redis.setbit(bits, 7, 1)).toBe(0);
      expect(await t.redis.bitcount(bits, 0, -1)).toBe(1);
      expect(await t.redis.pfadd(visitors, 'a', 'b', 'c')).toBe(1);
      await t.redis.pfadd(other, 'c', 'd');
      expect(await t.redis.pfcount(visitors, other)).toBe(4);
      expect(await t.redis.copy(places, copied)).toBe('COPIED');
      expect(await t.redis.geodist(copied, 'Palermo', 'Catania', 'KM')).toBe(166.2742);
      expect(await t.redis.incrbyfloat(float, 0.1)).toBe(0.1);
      expect(await t.redis.incrbyfloat(float, 0.2)).toBe(0.3);
      await t.redis.rpush(list, 'x', 'y');
      expect(await t.redis.lmpop(1, [list], 'LEFT', 2)).toEqual([list, ['x', 'y']]);
      expect(await t.redis.evalRo("return redis.call('XLEN', KEYS[1])", [stream], [])).toBe(1);
      await expect(t.redis.evalRo("return redis.call('DEL', KEYS[1])", [stream], [])).rejects.toThrow(
        /Write commands are not allowed/,
      );
      const library = `families_${randomUUID().replace(/-/g, '')}`;
      await t.redis.functions.load({
        code: `#!lua name=${library}\nredis.register_function('${library}_len', function(keys) return redis.call('XLEN', keys[1]) end)`,
      });
      try {
        expect(await t.redis.functions.call(`${library}_len`, [stream])).toBe(1);
      } finally {
        await t.redis.functions.delete(library);
      }
    });
  });

  describe('read-your-writes', () => {
    it('returns a sync token that the client keeps and sends back, growing with each request', async () => {
      const k = t.key('ryw');
      const redis = t.client({ readYourWrites: true });
      await redis.set(k, 'first');
      const first = redis.readYourWritesSyncToken;
      expect(first).toMatch(/^\d+$/);
      await redis.set(k, 'second');
      expect(Number(redis.readYourWritesSyncToken)).toBeGreaterThan(Number(first));
      expect(await redis.get(k)).toBe('second');
      const sentBack = await fetch(t.endpoint.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'upstash-sync-token': first! },
        body: JSON.stringify(['GET', k]),
      });
      expect(sentBack.status).toBe(200);
      expect(Number(sentBack.headers.get('upstash-sync-token'))).toBeGreaterThan(Number(first));
    });
  });

  describe('pipelines', () => {
    it('runs redis.pipeline() in one request, in order', async () => {
      const [k, hash] = [t.key('pipeline'), t.key('pipeline:hash')];
      const results = await t.redis.pipeline().set(k, 1).incr(k).get(k).hset(hash, { f: 'v' }).hgetall(hash).exec();
      expect(results).toEqual(['OK', 2, 2, 1, { f: 'v' }]);
      expect(t.endpoint.stats().requests).toBe(1);
    });

    it('reports a failing command of a pipeline without failing the others', async () => {
      const k = t.key('pipeline:error');
      const failing = () => t.redis.pipeline().set(k, 'x').incr(k).get(k);
      await expect(failing().exec()).rejects.toThrow(/^Command 2 \[ incr \] failed: ERR value is not an integer/);
      const entries = await failing().exec({ keepErrors: true });
      expect(entries[1]?.error).toBe('ERR value is not an integer or out of range');
      expect(entries[2]?.result).toBe('x');
    });

    it('refuses commands that would change or block the shared connection', async () => {
      expect(await t.post('/', ['MULTI'])).toMatchObject({
        status: 400,
        body: { error: expect.stringMatching(/^ERR MULTI is not available over REST/) },
      });
      expect(await t.post('/', ['BLPOP', t.key('blocked'), '0'])).toMatchObject({ status: 400 });
      expect(await t.post('/pipeline', [['SUBSCRIBE', 'channel'], ['PING']])).toMatchObject({
        status: 200,
        body: [{ error: expect.stringMatching(/^ERR SUBSCRIBE is not available over REST/) }, { result: 'PONG' }],
      });
    });
  });

  describe('transactions (multi-exec)', () => {
    it('runs redis.multi() as one transaction', async () => {
      const k = t.key('multi');
      expect(await t.redis.multi().set(k, 1).incr(k).get(k).exec()).toEqual(['OK', 2, 2]);
    });

    it('keeps going after a runtime error, as Redis does', async () => {
      const [k, after] = [t.key('multi:runtime'), t.key('multi:after')];
      const entries = await t.redis.multi().set(k, 'x').incr(k).set(after, 'done').exec({ keepErrors: true });
      expect(entries.map((entry) => entry.error ?? null)).toEqual([
        null,
        'ERR value is not an integer or out of range',
        null,
      ]);
      expect(await t.redis.get(after)).toBe('done');
    });

    it('discards the whole transaction with a non-2xx EXECABORT on a queuing error', async () => {
      const k = t.key('multi:aborted');
      for (const bad of [['NOSUCHCOMMAND'], ['GET'], ['WATCH', k]]) {
        const { status, body } = await t.post('/multi-exec', [['SET', k, 'never'], bad]);
        expect(status, bad.join(' ')).toBe(400);
        expect(body).toEqual({ error: expect.stringMatching(/^EXECABORT Transaction discarded/) });
      }
      expect(await t.raw.get(k)).toBeNull();
    });

    it('never interleaves concurrent transactions with other requests', async () => {
      const k = t.key('multi:concurrent');
      const transactions = Array.from({ length: 25 }, (_, i) => t.raw.multi().set(k, i).incr(k).get(k).exec());
      const intruders = Array.from({ length: 25 }, () => t.raw.set(k, 'intruder'));
      const results = await Promise.all(transactions);
      await Promise.all(intruders);
      for (const [i, result] of results.entries()) expect(result).toEqual(['OK', i + 1, String(i + 1)]);
    });
  });

  describe('scripts', () => {
    it('runs EVAL with KEYS and ARGV, converting Lua values as Redis does', async () => {
      const k = t.key('eval');
      const script = "return {KEYS[1], ARGV[1], tonumber(ARGV[2]) * 2, 3.9, true, ''}";
      expect(await t.redis.eval(script, [k], ['x', '21'])).toEqual([k, 'x', 42, 3, 1, '']);
      expect(await t.redis.eval('return nil', [], [])).toBeNull();
    });

    it('writes through redis.call and relays its replies', async () => {
      const k = t.key('eval:write');
      const script = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])";
      expect(await t.raw.eval(script, [k], ['héllo ✓ 😀'])).toBe('héllo ✓ 😀');
      expect(await t.raw.get(k)).toBe('héllo ✓ 😀');
      const nested = await t.post('/', ['EVAL', "return {redis.call('SET', KEYS[1], 'v')}", '1', k], BASE64);
      expect(nested.body).toEqual({ result: [b64('OK')] }); // inside an array even OK is encoded
    });

    it('takes a lease with SET … NX PX inside a script', async () => {
      const k = t.key('eval:lease');
      const script = "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end return 0";
      expect(await t.redis.eval(script, [k], ['first', '5000'])).toBe(1);
      expect(await t.redis.eval(script, [k], ['second', '5000'])).toBe(0);
      expect(await t.raw.get(k)).toBe('first');
      expect(await t.raw.pttl(k)).toBeGreaterThan(4000);
    });

    it('loads scripts with SCRIPT LOAD and runs them with EVALSHA', async () => {
      const script = `return ARGV[1] -- ${randomUUID()}`;
      const sha = await t.redis.scriptLoad(script);
      expect(sha).toBe(sha1(script));
      expect(await t.redis.evalsha(sha, [], ['loaded'])).toBe('loaded');
      expect(await t.redis.scriptExists(sha, sha1(`never loaded ${randomUUID()}`))).toEqual([1, 0]);
      await expect(t.raw.evalsha(sha1(`never loaded ${randomUUID()}`), [], [])).rejects.toThrow(/^NOSCRIPT/);
    });

    it('lets createScript() fall back from EVALSHA to EVAL, then reuse the cached script', async () => {
      const source = `return ARGV[1] -- ${randomUUID()}`;
      const script = t.redis.createScript<string>(source);
      expect(await t.redis.scriptExists(sha1(source))).toEqual([0]);
      expect(await script.exec([], ['first'])).toBe('first');
      expect(await t.redis.scriptExists(sha1(source))).toEqual([1]);
      expect(await script.evalsha([], ['second'])).toBe('second');
    });

    it('reports a failing script as an error reply', async () => {
      await expect(t.raw.eval("error('boom')", [], [])).rejects.toThrow(/^ERR .*boom/);
    });

    // Upstash accepts its own `allow-key-locking` flag, which Redis refuses (the real-Redis backend sends the script without it).
    it('runs scripts flagged allow-key-locking, as Upstash does, under the SHA-1 of the text sent', async () => {
      const k = t.key('eval:key-locking');
      const script = `#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1]) -- ${randomUUID()}`;
      await expect(t.raw.evalsha(sha1(script), [k], [])).rejects.toThrow(/^NOSCRIPT/);
      expect(await t.redis.eval(script, [k], [])).toBe(1);
      expect(await t.redis.evalsha(sha1(script), [k], [])).toBe(2);
      expect(await t.redis.evalsha(sha1(script).toUpperCase(), [k], [])).toBe(3);
      const read = `#!lua flags=allow-key-locking,no-writes\nreturn redis.call('GET', KEYS[1]) -- ${randomUUID()}`;
      expect(await t.redis.scriptExists(sha1(read))).toEqual([0]);
      expect(await t.redis.scriptLoad(read)).toBe(sha1(read));
      expect(await t.redis.scriptExists(sha1(read), sha1(script), sha1(`never loaded ${randomUUID()}`))).toEqual([
        1, 1, 0,
      ]);
      expect(await t.redis.evalshaRo(sha1(read), [k], [])).toBe(3);
      const failing = "#!lua flags=allow-key-locking\nlocal a = 1\nerror('boom')";
      await expect(t.raw.eval(failing, [], [])).rejects.toThrow(
        `ERR user_script:3: boom script: ${sha1(failing)}, on @user_script:3.`,
      );
    });
  });

  // Its scripts start with `#!lua flags=allow-key-locking`; it sends EVALSHA first, and EVAL on NOSCRIPT.
  describe('@upstash/ratelimit', () => {
    const limiters = {
      slidingWindow: Ratelimit.slidingWindow(3, '10 s'),
      fixedWindow: Ratelimit.fixedWindow(3, '10 s'),
      cachedFixedWindow: Ratelimit.cachedFixedWindow(3, '10 s'),
      tokenBucket: Ratelimit.tokenBucket(1, '10 s', 3),
    };
    for (const [name, limiter] of Object.entries(limiters)) {
      it(`${name}: allows an identifier 3 requests, then refuses it`, async () => {
        const prefix = t.key(`ratelimit:${name}`);
        // timeout 0: a slow answer must fail the test, not count as allowed. Only cachedFixedWindow needs the cache.
        const ephemeralCache = name === 'cachedFixedWindow' ? new Map<string, number>() : false;
        const ratelimit = new Ratelimit({ redis: t.redis, limiter, prefix, timeout: 0, ephemeralCache });
        try {
          const outcomes: Array<[boolean, number]> = [];
          for (let i = 0; i < 4; i++) {
            const { success, remaining, pending } = await ratelimit.limit('visitor');
            await pending;
            outcomes.push([success, remaining]);
          }
          expect(outcomes.map(([success]) => success)).toEqual([true, true, true, false]);
          expect(outcomes.slice(0, 3).map(([, remaining]) => remaining)).toEqual([2, 1, 0]);
          expect(await ratelimit.limit('other visitor')).toMatchObject({ success: true, remaining: 2 });
        } finally {
          const written = await t.raw.keys(`${prefix}*`);
          if (written.length > 0) await t.raw.del(...written);
        }
      });
    }
  });

  describe('authentication and malformed requests', () => {
    it('rejects a wrong or missing token with 401', async () => {
      await expect(t.client({ token: 'wrong-token' }).get(t.key('auth'))).rejects.toThrow(/^Unauthorized/);
      const response = await fetch(t.endpoint.url, { method: 'POST', body: JSON.stringify(['PING']) });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Unauthorized' });
    });

    it('answers 400 with an ERR message to bodies that are not commands', async () => {
      const cases: [string, unknown][] = [
        ['/', '{not json'],
        ['/', { command: 'PING' }],
        ['/', []],
        ['/', ['GET', null]],
        ['/pipeline', ['PING']],
        ['/pipeline', [['GET', { k: 1 }]]],
        ['/multi-exec', []],
      ];
      for (const [path, body] of cases) {
        const response = await t.post(path, body);
        expect(response, `${path} ${JSON.stringify(body)}`).toMatchObject({
          status: 400,
          body: { error: expect.stringMatching(/^ERR /) },
        });
      }
    });

    it('answers an unknown command with 400 and an UpstashError', async () => {
      expect(await t.post('/', ['NOSUCHCOMMAND', 'x'])).toMatchObject({
        status: 400,
        body: { error: expect.stringMatching(/^ERR unknown command 'NOSUCHCOMMAND'/) },
      });
    });

    it.runIf(redisUrl === null)('names REDIS_URL as the way to a command the in-memory backend lacks', async () => {
      // GEORADIUS: deprecated since Redis 6.2 (GEOSEARCH replaces it) and not in @upstash/redis.
      expect((await t.post('/', ['GEORADIUS', 'places', 0, 0, 1, 'km'])).body).toEqual({
        error:
          "ERR unknown command 'GEORADIUS': the in-memory backend supports the commands listed in stack/upstash/README.md; for every Redis command, start the stack with REDIS_URL=redis://… (a real Redis)",
      });
    });

    it('answers 404 to unknown paths and 405 to other methods', async () => {
      expect((await fetch(`${t.endpoint.url}/nope`, { method: 'POST' })).status).toBe(404);
      const response = await fetch(`${t.endpoint.url}/pipeline`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });
  });

  describe('fault modes', () => {
    it('error: fails fast with 503, and reset restores service', async () => {
      await t.control('fault', { mode: 'error' });
      const started = performance.now();
      await expect(t.raw.get(t.key('fault'))).rejects.toThrow(/^Service Unavailable/);
      expect(performance.now() - started).toBeLessThan(1000);
      await t.control('reset');
      expect(await t.raw.get(t.key('fault'))).toBeNull();
    });

    it('hang: holds requests until the client gives up', async () => {
      await t.control('fault', { mode: 'hang' });
      const impatient = t.client({ enableAutoPipelining: false, signal: () => AbortSignal.timeout(200) });
      const started = performance.now();
      await expect(impatient.get(t.key('fault'))).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('hang: drops held requests when the fault is cleared', async () => {
      await t.control('fault', { mode: 'hang' });
      const held = fetch(t.endpoint.url, { method: 'POST', body: '["PING"]' });
      await expect.poll(() => t.endpoint.stats().requests).toBe(1);
      await t.control('fault', { mode: 'none' });
      await expect(held).rejects.toThrow('fetch failed');
      expect(await t.redis.ping()).toBe('PONG');
    });

    it('hang for n requests: holds the next n, answers the rest, and keeps holding the held ones', async () => {
      await t.control('fault', { mode: 'hang', requests: 1 });
      const impatient = t.client({ enableAutoPipelining: false, signal: () => AbortSignal.timeout(300) });
      const lost = impatient.get(t.key('counted'));
      await expect.poll(() => t.endpoint.stats().requests).toBe(1);
      expect(await t.redis.ping()).toBe('PONG');
      await expect(lost).rejects.toMatchObject({ name: 'TimeoutError' });
    });

    it('slow: runs the command at once and answers delayMs later', async () => {
      const k = t.key('slow');
      await t.control('fault', { mode: 'slow', delayMs: 400, requests: 1 });
      const started = performance.now();
      const answer = t.raw.set(k, 'late');
      // The fault's one request is spent: this read is answered at once, and sees the write.
      await expect.poll(() => t.redis.get(k), { interval: 20 }).toBe('late');
      expect(performance.now() - started).toBeLessThan(400);
      expect(await answer).toBe('OK');
      expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    });

    it('slow: clearing the fault sends the held answers at once', async () => {
      await t.control('fault', { mode: 'slow', delayMs: 30_000 });
      const started = performance.now();
      const answer = t.raw.ping();
      await expect.poll(() => t.endpoint.stats().requests).toBe(1);
      await t.control('fault', { mode: 'none' });
      expect(await answer).toBe('PONG');
      expect(performance.now() - started).toBeLessThan(5000);
    });

    it('drop: runs the command, then cuts its answer off half-way', async () => {
      const k = t.key('drop');
      await t.control('fault', { mode: 'drop', requests: 1 });
      await expect(t.raw.set(k, 'applied')).rejects.toThrow();
      expect(await t.raw.get(k)).toBe('applied');
    });

    it('rejects an unknown fault mode, a bad delay or request count and an unknown control route', async () => {
      const bodies = [
        '{"mode":"hang","requests":0}',
        '{"mode":"hang","requests":"2"}',
        '{"mode":"hang","delayMs":100}',
        '{"mode":"slow","delayMs":-1}',
      ];
      for (const body of bodies) {
        expect((await fetch(`${t.endpoint.url}/_stack/fault`, { method: 'POST', body })).status, body).toBe(400);
      }
      const response = await fetch(`${t.endpoint.url}/_stack/fault`, { method: 'POST', body: '{"mode":"explode"}' });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        message: expect.stringContaining('"none" | "error" | "hang" | "slow" | "drop"'),
      });
      expect((await fetch(`${t.endpoint.url}/_stack/nope`)).status).toBe(404);
    });
  });

  describe('stats', () => {
    it('counts requests to the command routes and the commands they ran', async () => {
      const k = t.key('stats');
      const expectStats = async (expected: EndpointStats) => {
        expect(t.endpoint.stats()).toEqual(expected);
        expect(await t.stats()).toEqual(expected);
      };
      await expectStats({ requests: 0, commands: 0, connections: 0 });
      await t.raw.get(k);
      await expectStats({ requests: 1, commands: 1, connections: 0 });
      await t.raw.pipeline().set(k, 1).incr(k).get(k).exec();
      await expectStats({ requests: 2, commands: 4, connections: 0 });
      await t.raw.multi().incr(k).get(k).exec();
      await expectStats({ requests: 3, commands: 6, connections: 0 });
      await expect(t.client({ token: 'wrong-token' }).get(k)).rejects.toThrow();
      await expectStats({ requests: 4, commands: 6, connections: 0 });
    });

    it('batches concurrent commands of the default client into one /pipeline request', async () => {
      const [a, b, c] = [t.key('auto:a'), t.key('auto:b'), t.key('auto:c')];
      expect(await Promise.all([t.redis.set(a, 1), t.redis.set(b, 'two'), t.redis.incr(c)])).toEqual(['OK', 'OK', 1]);
      expect(t.endpoint.stats()).toEqual({ requests: 1, commands: 3, connections: 0 });
    });

    it('reset zeroes the counters and clears the fault', async () => {
      await t.raw.get(t.key('stats:reset'));
      await t.control('fault', { mode: 'error' });
      await t.control('reset');
      expect(await t.stats()).toEqual({ requests: 0, commands: 0, connections: 0 });
      expect(await t.raw.get(t.key('stats:reset'))).toBeNull();
    });
  });
}

describe('Upstash endpoint, in-memory backend', () => {
  conformanceSuite(null);

  it('gives each endpoint its own data, so FLUSHDB on one leaves the others alone', async () => {
    const [first, second] = await Promise.all([
      startUpstashEndpoint({ port: 0, token: TOKEN }),
      startUpstashEndpoint({ port: 0, token: TOKEN }),
    ]);
    try {
      const one = new Redis({ url: first.url, token: TOKEN, automaticDeserialization: false });
      const two = new Redis({ url: second.url, token: TOKEN, automaticDeserialization: false });
      await one.set('shared-name', 'first');
      await two.set('other', 'second');
      expect(await two.get('shared-name')).toBeNull();
      expect(await two.dbsize()).toBe(1);
      expect(await two.flushdb()).toBe('OK');
      expect(await two.dbsize()).toBe(0);
      expect(await one.get('shared-name')).toBe('first');
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe.skipIf(!realRedisUrl)(
  `Upstash endpoint, real Redis backend (${realRedisUrl ? redactUrl(realRedisUrl) : 'skipped: REDIS_URL is not set'})`,
  () => {
    conformanceSuite(realRedisUrl);

    describe('agrees with Redis over TCP', () => {
      const t = useEndpoint(realRedisUrl);
      let direct: RedisBackend;
      beforeAll(async () => {
        direct = await connectRespBackend(realRedisUrl ?? '');
      });
      afterAll(() => direct.close());

      const directReply = async (...command: string[]) => (await direct.pipeline([command]))[0];

      it('stores exactly the UTF-8 bytes of strings sent through REST', async () => {
        for (const [i, value] of TRICKY_STRINGS.entries()) {
          const k = t.key(`tcp:rest-to-tcp:${i}`);
          await t.raw.set(k, value);
          expect(await directReply('GET', k), JSON.stringify(value)).toEqual(Buffer.from(value));
        }
      });

      it('relays strings written over TCP unchanged', async () => {
        for (const [i, value] of TRICKY_STRINGS.entries()) {
          const k = t.key(`tcp:tcp-to-rest:${i}`);
          expect(await directReply('SET', k, value)).toBe('OK');
          expect(await t.raw.get(k), JSON.stringify(value)).toBe(value);
          expect(await t.plain.get(k), JSON.stringify(value)).toBe(value);
        }
      });

      it('relays bytes that are not UTF-8 as their exact base64', async () => {
        const k = t.key('tcp:binary');
        await directReply('EVAL', "return redis.call('SET', KEYS[1], string.char(255, 0, 254))", '1', k);
        expect(await directReply('GET', k)).toEqual(Buffer.from([255, 0, 254]));
        expect((await t.post('/', ['GET', k], BASE64)).body).toEqual({ result: '/wD+' });
      });

      it('sends HGETALL and ZRANGE WITHSCORES exactly as Redis answers them', async () => {
        const [hash, zset] = [t.key('tcp:hash'), t.key('tcp:zset')];
        await t.redis.hset(hash, { name: 'Ada', visits: 3 });
        await t.redis.zadd(zset, { score: 1.5, member: 'a' }, { score: -2, member: 'b' });
        for (const command of [
          ['HGETALL', hash],
          ['ZRANGE', zset, '0', '-1', 'WITHSCORES'],
        ]) {
          const reply = (await directReply(...command)) as Buffer[];
          expect((await t.post('/', command, BASE64)).body).toEqual({
            result: reply.map((item) => item.toString('base64')),
          });
        }
      });

      it('sets the TTLs that Redis reports', async () => {
        const k = t.key('tcp:ttl');
        await t.raw.set(k, 'v', { px: 5000 });
        const pttl = (await directReply('PTTL', k)) as number;
        expect(pttl).toBeGreaterThan(4000);
        expect(pttl).toBeLessThanOrEqual(5000);
      });
    });
  },
);

describe('startUpstashEndpoint', () => {
  it('listens on an ephemeral port and reports it in url', async () => {
    const endpoint = await startUpstashEndpoint({ port: 0, token: TOKEN });
    try {
      expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Number(new URL(endpoint.url).port)).toBeGreaterThan(0);
    } finally {
      await endpoint.close();
    }
  });

  it('rejects with a one-line StackError when the port is taken', async () => {
    const endpoint = await startUpstashEndpoint({ port: 0, token: TOKEN });
    const port = Number(new URL(endpoint.url).port);
    try {
      const attempt = startUpstashEndpoint({ port, token: TOKEN });
      await expect(attempt).rejects.toBeInstanceOf(StackError);
      await expect(attempt).rejects.toThrow(`Port ${port} is already in use: stop what uses it or set UPSTASH_PORT.`);
    } finally {
      await endpoint.close();
    }
  });

  it('rejects with a StackError naming the URL, not the password, when Redis is unreachable', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve)); // nothing listens there any more
    const attempt = startUpstashEndpoint({ port: 0, token: TOKEN, redisUrl: `redis://app:hunter2@127.0.0.1:${port}` });
    await expect(attempt).rejects.toBeInstanceOf(StackError);
    const { message } = (await attempt.catch((error: unknown) => error)) as StackError;
    expect(message).toMatch(
      new RegExp(
        `^Cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*\\. Start it or unset REDIS_URL to use the in-memory backend\\.$`,
      ),
    );
    expect(message).not.toContain('hunter2');
  });

  it('rejects a URL that is not redis:// with a StackError', async () => {
    const attempt = startUpstashEndpoint({ port: 0, token: TOKEN, redisUrl: 'http://user:hunter2@127.0.0.1:6379' });
    await expect(attempt).rejects.toThrow(
      /^REDIS_URL is not a Redis URL \(expected redis:\/\/.*\): http:\/\/127\.0\.0\.1:6379\/$/,
    );
  });

  it('refuses an empty token', async () => {
    await expect(startUpstashEndpoint({ port: 0, token: '' })).rejects.toBeInstanceOf(StackError);
  });

  it('close() ends held requests and frees the port', async () => {
    const endpoint = await startUpstashEndpoint({ port: 0, token: TOKEN });
    const port = Number(new URL(endpoint.url).port);
    await fetch(`${endpoint.url}/_stack/fault`, { method: 'POST', body: '{"mode":"hang"}' });
    const held = fetch(endpoint.url, { method: 'POST', body: '["PING"]' });
    await expect.poll(() => endpoint.stats().requests).toBe(1);
    await endpoint.close();
    await expect(held).rejects.toThrow('fetch failed');
    const again = await startUpstashEndpoint({ port, token: TOKEN });
    await again.close();
  });
});
