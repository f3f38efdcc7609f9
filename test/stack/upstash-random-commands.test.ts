// What the backends-agree test cannot compare with a real Redis: the random commands' randomness
// (HRANDFIELD, SRANDMEMBER, SPOP, RANDOMKEY), and TIME and FLUSHALL, which must not be sent to the
// shared Redis. Run against the in-memory backend alone, each suite with an endpoint of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashEndpoint, type UpstashEndpoint } from '../../stack/upstash/server';

const TOKEN = 'random-commands-token';

type Result = string | number | null | Result[];
type Entry = { result: Result } | { error: string };

let endpoint: UpstashEndpoint;
beforeAll(async () => {
  endpoint = await startUpstashEndpoint({ port: 0, token: TOKEN });
});
afterAll(async () => {
  await endpoint.close();
});

async function request(path: string, body: unknown): Promise<unknown> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  const response = await fetch(endpoint.url + path, { method: 'POST', headers, body: JSON.stringify(body) });
  return response.json();
}

/** One command's result; an error reply fails the test. */
async function call(...command: Array<string | number>): Promise<Result> {
  const entry = (await request('/', command)) as Entry;
  if ('error' in entry) throw new Error(`${command.join(' ')}: ${entry.error}`);
  return entry.result;
}

async function errorOf(...command: Array<string | number>): Promise<string | undefined> {
  const entry = (await request('/', command)) as Entry;
  return 'error' in entry ? entry.error : undefined;
}

/** The commands' results, from one pipeline. */
async function pipeline(commands: Array<Array<string | number>>): Promise<Result[]> {
  const entries = (await request('/pipeline', commands)) as Entry[];
  return entries.map((entry) => {
    if ('error' in entry) throw new Error(entry.error);
    return entry.result;
  });
}

/** The same command `times` times, in one pipeline. */
async function repeat(times: number, ...command: Array<string | number>): Promise<Result[]> {
  return pipeline(Array.from({ length: times }, () => command));
}

function countsOf(values: readonly Result[]): Map<Result, number> {
  const counts = new Map<Result, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Every one of `expected` was picked, each within 30% of an even share. */
function expectEvenlyPicked(picks: readonly Result[], expected: readonly string[]): void {
  const counts = countsOf(picks);
  expect([...counts.keys()].sort()).toEqual([...expected].sort());
  const share = picks.length / expected.length;
  for (const [value, count] of counts) {
    expect(count, `${String(value)} picked ${count} times of ${picks.length}`).toBeGreaterThan(share * 0.7);
    expect(count).toBeLessThan(share * 1.3);
  }
}

const MEMBERS = ['a', 'b', 'c', 'd', 'e'];

describe('SRANDMEMBER', () => {
  beforeAll(async () => {
    await call('SADD', 'srand', ...MEMBERS);
  });

  it('picks each member about as often without a count', async () => {
    expectEvenlyPicked(await repeat(2000, 'SRANDMEMBER', 'srand'), MEMBERS);
  });

  it('picks distinct members for a positive count below the size, every member over many calls', async () => {
    const replies = (await repeat(1000, 'SRANDMEMBER', 'srand', 3)) as string[][];
    for (const reply of replies) {
      expect(reply).toHaveLength(3);
      expect(new Set(reply).size).toBe(3);
      for (const member of reply) expect(MEMBERS).toContain(member);
    }
    expectEvenlyPicked(replies.flat(), MEMBERS);
    // Not always the same order either: Redis answers a sample in no set order.
    expect(new Set(replies.map((reply) => reply.join())).size).toBeGreaterThan(30);
  });

  it('answers the whole set for a count that covers it', async () => {
    expect(((await call('SRANDMEMBER', 'srand', 5)) as string[]).sort()).toEqual(MEMBERS);
    expect(((await call('SRANDMEMBER', 'srand', 50)) as string[]).sort()).toEqual(MEMBERS);
  });

  it('picks with repeats for a negative count, as many as asked, even past the size', async () => {
    const reply = (await call('SRANDMEMBER', 'srand', -5000)) as string[];
    expect(reply).toHaveLength(5000);
    expectEvenlyPicked(reply, MEMBERS);
    const small = (await repeat(200, 'SRANDMEMBER', 'srand', -3)) as string[][];
    expect(small.some((reply) => new Set(reply).size < 3)).toBe(true);
  });

  it('leaves the set as it was', async () => {
    expect(await call('SCARD', 'srand')).toBe(5);
  });

  it('refuses a negative count this backend would have to build too large a reply for', async () => {
    expect(await errorOf('SRANDMEMBER', 'srand', -1e9)).toMatch(/^ERR the in-memory backend answers at most/);
    expect(await call('SRANDMEMBER', 'missing', -1e9)).toEqual([]);
  });
});

describe('SPOP', () => {
  it('removes exactly the members it answers, distinct ones, until the set is gone', async () => {
    const members = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await call('SADD', 'spop', ...members);
    const popped: string[] = [];
    for (const count of [3, 1, 7]) {
      const reply = (await call('SPOP', 'spop', count)) as string[];
      expect(reply).toHaveLength(count);
      popped.push(...reply);
      expect(await call('SCARD', 'spop')).toBe(members.length - popped.length);
    }
    popped.push((await call('SPOP', 'spop')) as string);
    expect(new Set(popped).size).toBe(popped.length);
    const left = (await call('SMEMBERS', 'spop')) as string[];
    expect([...popped, ...left].sort()).toEqual([...members].sort());
    expect(((await call('SPOP', 'spop', 100)) as string[]).sort()).toEqual([...left].sort());
    expect(await call('EXISTS', 'spop')).toBe(0);
  });

  it('pops each member about as often, with or without a count', async () => {
    const round = [
      ['SADD', 'spop-even', ...MEMBERS],
      ['SPOP', 'spop-even'],
      ['SPOP', 'spop-even', 2],
      ['DEL', 'spop-even'],
    ];
    const replies = await pipeline(Array.from({ length: 600 }, () => round).flat());
    const single = replies.filter((_, i) => i % 4 === 1);
    const counted = replies.filter((_, i) => i % 4 === 2) as string[][];
    for (const [i, pair] of counted.entries()) {
      expect(pair).toHaveLength(2);
      expect(new Set([single[i], ...pair]).size).toBe(3);
    }
    expectEvenlyPicked(single, MEMBERS);
    expectEvenlyPicked(counted.flat(), MEMBERS);
  });
});

describe('HRANDFIELD', () => {
  const hash = { a: '1', b: '2', c: '3', d: '4', e: '5' };
  beforeAll(async () => {
    await call('HSET', 'hrand', ...Object.entries(hash).flat());
  });

  it('picks each field about as often without a count', async () => {
    expectEvenlyPicked(await repeat(2000, 'HRANDFIELD', 'hrand'), Object.keys(hash));
  });

  it('picks distinct fields for a positive count, with their own values WITHVALUES', async () => {
    const replies = (await repeat(500, 'HRANDFIELD', 'hrand', 2, 'WITHVALUES')) as string[][];
    for (const reply of replies) {
      expect(reply).toHaveLength(4);
      expect(reply[0]).not.toBe(reply[2]);
      expect(hash[reply[0] as keyof typeof hash]).toBe(reply[1]);
      expect(hash[reply[2] as keyof typeof hash]).toBe(reply[3]);
    }
    expectEvenlyPicked(
      replies.flatMap((reply) => [reply[0]!, reply[2]!]),
      Object.keys(hash),
    );
  });

  it('picks with repeats for a negative count', async () => {
    const reply = (await call('HRANDFIELD', 'hrand', -1000, 'WITHVALUES')) as string[];
    expect(reply).toHaveLength(2000);
    const fields = reply.filter((_, i) => i % 2 === 0);
    for (let i = 0; i < reply.length; i += 2) expect(hash[reply[i] as keyof typeof hash]).toBe(reply[i + 1]);
    expectEvenlyPicked(fields, Object.keys(hash));
    expect(await call('HRANDFIELD', 'hrand', -7)).toHaveLength(7);
  });

  it('answers the whole hash, in order, for a count that covers it', async () => {
    expect(await call('HRANDFIELD', 'hrand', 5, 'WITHVALUES')).toEqual(Object.entries(hash).flat());
  });
});

describe('RANDOMKEY, TIME, FLUSHALL and OBJECT IDLETIME', () => {
  it('RANDOMKEY answers each key about as often, and nil when there is none', async () => {
    await call('FLUSHALL');
    expect(await call('RANDOMKEY')).toBeNull();
    const keys = ['k1', 'k2', 'k3', 'k4'];
    await call('SET', 'k1', 'v');
    await call('HSET', 'k2', 'f', 'v');
    await call('ZADD', 'k3', 1, 'm');
    await call('RPUSH', 'k4', 'x');
    expectEvenlyPicked(await repeat(2000, 'RANDOMKEY'), keys);
  });

  it('TIME answers the Unix time in seconds and the microseconds within the second', async () => {
    const before = Date.now();
    const [seconds, microseconds] = (await call('TIME')) as [string, string];
    expect(seconds).toMatch(/^\d+$/);
    expect(microseconds).toMatch(/^\d+$/);
    const at = Number(seconds) * 1000 + Number(microseconds) / 1000;
    expect(Number(microseconds)).toBeLessThan(1_000_000);
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(Date.now() + 1);
    expect(await errorOf('TIME', 'x')).toBe("ERR wrong number of arguments for 'time' command");
  });

  it('OBJECT IDLETIME answers 0 for an existing key', async () => {
    await call('SET', 'idle', 'v');
    expect(await call('OBJECT', 'IDLETIME', 'idle')).toBe(0);
  });

  it('FLUSHALL removes every key of every type, with or without SYNC/ASYNC, and refuses other options', async () => {
    await call('FLUSHALL');
    for (const option of [[], ['SYNC'], ['async']]) {
      await call('SET', 's', 'v', 'EX', 100);
      await call('SADD', 'set', 'm');
      await call('ZADD', 'z', 1, 'm');
      await call('RPUSH', 'l', 'x');
      await call('HSET', 'h', 'f', 'v');
      expect(await call('DBSIZE')).toBe(5);
      expect(await call('FLUSHALL', ...option)).toBe('OK');
      expect(await call('DBSIZE')).toBe(0);
      expect(await call('RANDOMKEY')).toBeNull();
    }
    expect(await errorOf('FLUSHALL', 'LATER')).toBe('ERR syntax error');
    expect(await errorOf('FLUSHALL', 'SYNC', 'ASYNC')).toBe('ERR syntax error');
  });

  it('COPY refuses a database other than 0, which this backend does not have', async () => {
    await call('SET', 'db-source', 'v');
    expect(await errorOf('COPY', 'db-source', 'db-copy', 'DB', 1)).toBe('ERR DB index is out of range');
    expect(await call('COPY', 'db-source', 'db-copy', 'DB', 0)).toBe(1);
  });
});
