import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/cache/circuit-breaker';
import { CacheUnavailableError, SharedTier, type UpstashClient } from '../../../src/cache/shared-tier';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timeout = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');
const notCalled = () => {
  throw new Error('not called by these tests');
};

/** A shared tier over a Redis whose reads time out after `afterMs`, with a breaker that opens on one failure. */
function tierTimingOutAfter(afterMs: number) {
  const redis: UpstashClient = {
    evalsha: async () => {
      await sleep(afterMs);
      throw timeout();
    },
    eval: notCalled,
    set: notCalled,
    pipeline: notCalled,
    del: notCalled,
  };
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
