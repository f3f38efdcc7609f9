// Redis functions and read-only scripts on the in-memory backend, through the real @upstash/redis
// client. What both backends answer alike is checked against real Redis by
// upstash-backends-agree.test.ts; this file covers what cannot be sent to a shared Redis
// (FUNCTION FLUSH, FUNCTION STATS's counts) and what the in-memory backend does on its own.
import { errors, Redis } from '@upstash/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startUpstashEndpoint, type UpstashEndpoint } from '../../stack/upstash/server';

const TOKEN = 'upstash-functions-test-token';

const LIBRARY = `#!lua name=counters
local function bump(keys, args) return redis.call('INCRBY', keys[1], args[1] or 1) end
redis.register_function('bump', bump)
redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end,
  flags={'no-writes'}, description='reads a counter'}
`;

describe('Redis functions, in-memory backend', () => {
  let endpoint: UpstashEndpoint;
  /** Strings as stored. */
  let redis: Redis;
  /** As the Worker uses it: replies deserialized, FUNCTION LIST and STATS parsed into objects. */
  let parsed: Redis;

  beforeAll(async () => {
    endpoint = await startUpstashEndpoint({ port: 0, token: TOKEN });
    redis = new Redis({
      url: endpoint.url,
      token: TOKEN,
      retry: false,
      enableTelemetry: false,
      automaticDeserialization: false,
    });
    parsed = new Redis({ url: endpoint.url, token: TOKEN, retry: false, enableTelemetry: false });
  });
  afterAll(() => endpoint.close());
  beforeEach(() => send('FUNCTION', 'FLUSH')); // each test starts with no library, whatever the last one left

  async function send(...command: Array<string | number>): Promise<{ result?: unknown; error?: string }> {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(command),
    });
    return (await response.json()) as { result?: unknown; error?: string };
  }

  it('loads, lists, calls and deletes a library through the client', async () => {
    expect(await redis.functions.load({ code: LIBRARY })).toBe('counters');
    expect(await redis.functions.call('bump', ['n'], ['5'])).toBe(5);
    expect(await redis.functions.callRo('peek', ['n'])).toBe('5');
    await expect(redis.functions.callRo('bump', ['n'])).rejects.toThrow(errors.UpstashError);
    await expect(redis.functions.callRo('bump', ['n'])).rejects.toThrow(
      'ERR Can not execute a script with write flag using *_ro command.',
    );
    expect(await parsed.functions.list({ libraryName: 'COUNT*', withCode: true })).toEqual([
      {
        libraryName: 'counters',
        engine: 'LUA',
        functions: [
          { name: 'bump', description: undefined, flags: [] },
          { name: 'peek', description: 'reads a counter', flags: ['no-writes'] },
        ],
        libraryCode: LIBRARY,
      },
    ]);
    expect(await parsed.functions.stats()).toEqual({ engines: { LUA: { librariesCount: 1, functionsCount: 2 } } });
    expect(await redis.evalRo("return redis.call('GET', KEYS[1])", ['n'], [])).toBe('5');
    expect(await redis.functions.delete('counters')).toBe('OK');
    expect(await parsed.functions.list()).toEqual([]);
  });

  it('forgets every library on FUNCTION FLUSH, with or without a mode', async () => {
    for (const mode of [[], ['SYNC'], ['async']]) {
      expect((await send('FUNCTION', 'LOAD', LIBRARY)).result).toBe('counters');
      expect(
        (await send('FUNCTION', 'LOAD', "#!lua name=other\nredis.register_function('other', function() return 1 end)"))
          .result,
      ).toBe('other');
      expect((await send('FUNCTION', 'FLUSH', ...mode)).result).toBe('OK');
      expect((await send('FUNCTION', 'LIST')).result).toEqual([]);
      expect((await send('FCALL', 'bump', 1, 'n')).error).toBe('ERR Function not found');
      expect((await send('FUNCTION', 'STATS')).result).toEqual([
        'running_script',
        null,
        'engines',
        ['LUA', ['libraries_count', 0, 'functions_count', 0]],
      ]);
    }
    expect((await send('FUNCTION', 'FLUSH', 'NOW')).error).toBe('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    expect((await send('FUNCTION', 'FLUSH', 'SYNC', 'ASYNC')).error).toBe(
      "ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.",
    );
    expect((await send('FUNCTION', 'FLUSH')).result).toBe('OK'); // nothing to flush is fine too
  });

  it('keeps functions apart from SCRIPT FLUSH, and a library name free again once deleted', async () => {
    expect((await send('FUNCTION', 'LOAD', LIBRARY)).result).toBe('counters');
    expect((await send('SCRIPT', 'FLUSH')).result).toBe('OK');
    expect((await send('FCALL', 'bump', 1, 'm', 2)).result).toBe(2);
    expect((await send('FUNCTION', 'DELETE', 'counters')).result).toBe('OK');
    expect((await send('FUNCTION', 'LOAD', LIBRARY)).result).toBe('counters');
    expect((await send('FCALL', 'bump', 1, 'm', 2)).result).toBe(4);
    expect((await send('FUNCTION', 'FLUSH')).result).toBe('OK');
  });

  it('points to REDIS_URL for FUNCTION DUMP and RESTORE, and has no running function to kill', async () => {
    const unsupported = (name: string) =>
      `ERR FUNCTION ${name} is not supported by the in-memory backend; start the stack with REDIS_URL=redis://… (a real Redis)`;
    expect((await send('FUNCTION', 'DUMP')).error).toBe(unsupported('DUMP'));
    expect((await send('FUNCTION', 'RESTORE', 'payload', 'REPLACE')).error).toBe(unsupported('RESTORE'));
    expect((await send('FUNCTION', 'KILL')).error).toBe('NOTBUSY No scripts in execution right now.');
  });

  it('runs functions inside a transaction, and refuses function commands inside scripts', async () => {
    expect((await send('FUNCTION', 'LOAD', LIBRARY)).result).toBe('counters');
    const response = await fetch(`${endpoint.url}/multi-exec`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify([
        ['FCALL', 'bump', 1, 't'],
        ['FCALL_RO', 'peek', 1, 't'],
        ['FCALL', 'nosuch', 0],
      ]),
    });
    expect(await response.json()).toEqual([{ result: 1 }, { result: '1' }, { error: 'ERR Function not found' }]);
    for (const command of [
      "'FUNCTION', 'FLUSH'",
      "'FUNCTION', 'LOAD', 'x'",
      "'FCALL_RO', 'peek', 0",
      "'EVAL_RO', 'return 1', 0",
    ]) {
      expect((await send('EVAL', `return redis.pcall(${command})`, 0)).error, command).toBe(
        'ERR This Redis command is not allowed from script',
      );
    }
    expect((await send('FCALL', 'peek', 1, 't')).result).toBe('1');
    expect((await send('FUNCTION', 'FLUSH')).result).toBe('OK');
  });
});
