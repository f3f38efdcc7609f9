import type { Redis } from '@upstash/redis/cloudflare';
import { describe, expect, it } from 'vitest';
import { createCacheEventLog } from '../../src/cache/cache-event-log';
import { CircuitBreaker } from '../../src/cache/circuit-breaker';
import { CacheUnavailableError, SharedTier } from '../../src/cache/shared-tier';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timeout = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

/** A shared tier over a Redis whose reads time out after `afterMs`, with a breaker that opens on one failure. */
function tierTimingOutAfter(afterMs: number) {
  const redis = { evalsha: async () => { await sleep(afterMs); throw timeout(); } } as unknown as Redis;
  const breaker = new CircuitBreaker({ failureThreshold: 1, failureRatio: 0.5, windowMs: 10_000, cooldownMs: 60_000 });
  const tier = new SharedTier(redis, redis, 'test', breaker, 60_000, { fastMs: 20, patientMs: 200 });
  return { tier, breaker };
}

describe('Upstash timeouts', () => {
  it('count as a failure when they fire on time: Upstash did not answer within the budget', async () => {
    const { tier, breaker } = tierTimingOutAfter(20);
    const error = await tier.read('k', [], Date.now(), 1000, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheUnavailableError);
    expect((error as CacheUnavailableError).overloaded).toBe(false);
    expect(breaker.allows()).toBe(false);
  });

  it('do not open the circuit when they fire late: the isolate was too busy to hear the answer', async () => {
    const { tier, breaker } = tierTimingOutAfter(150); // the timer came 130 ms past a 20 ms budget
    const error = await tier.read('k', [], Date.now(), 1000, 0).catch((e: unknown) => e);
    expect((error as CacheUnavailableError).overloaded).toBe(true);
    expect(breaker.allows()).toBe(true);
  });
});

describe('cache event log', () => {
  it('writes one line per kind of event per second, then says how many it left out', () => {
    const lines: string[] = [];
    let now = 0;
    const log = createCacheEventLog((line) => lines.push(line), () => now);
    const unavailable = (operation: string) => ({ type: 'cache-unavailable' as const, operation, error: new Error('down') });
    log(unavailable('read'));
    log(unavailable('read'));
    log(unavailable('read'));
    log(unavailable('write'));
    now = 1000;
    log(unavailable('read'));
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([
      { event: 'cache-unavailable', operation: 'read', error: 'Error: down' },
      { event: 'cache-unavailable', operation: 'write' },
      { event: 'cache-unavailable', operation: 'read', suppressed: 2 },
    ]);
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('suppressed');
  });
});
