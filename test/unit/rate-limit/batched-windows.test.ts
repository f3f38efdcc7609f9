import { describe, expect, it } from 'vitest';
import { BatchedWindows } from '../../../src/rate-limit/batched-windows';
import { parseBudget } from '../../../src/rate-limit/budget';

describe('BatchedWindows (reads counted in Upstash a batch at a time)', () => {
  /** A fixed window in "Upstash": counts what each call adds, as Ratelimit.fixedWindow's script does. */
  function fakeUpstash(tokens: number, resetAt: number) {
    const calls: number[] = [];
    let used = 0;
    let failing = false;
    const limiter = {
      async limit(_client: string, request?: { rate?: number }) {
        if (failing) throw new Error('Upstash down');
        const rate = request?.rate ?? 1;
        calls.push(rate);
        used += rate;
        return {
          success: used <= tokens,
          limit: tokens,
          remaining: Math.max(0, tokens - used),
          reset: resetAt,
          pending: Promise.resolve(),
        };
      },
    };
    return {
      limiter,
      calls,
      get used() {
        return used;
      },
      addFromAnotherIsolate: (n: number) => (used += n),
      fail: (value: boolean) => (failing = value),
    };
  }
  const budget = parseBudget('reads', '100 per 10s')!;
  const collect = () => {
    const pending: Promise<unknown>[] = [];
    return {
      background: (promise: Promise<unknown>) => pending.push(promise),
      settle: () => Promise.allSettled(pending.splice(0)),
    };
  };

  it("allows a window's first request on trust and counts it at once, then once per batch of a tenth of the budget", async () => {
    const upstash = fakeUpstash(100, 10_000);
    const windows = new BatchedWindows(budget, () => upstash.limiter);
    const { background, settle } = collect();
    for (let i = 0; i < 31; i++) {
      expect((await windows.take('a', background, 1_000)).allowed).toBe(true);
      await settle();
    }
    expect(upstash.calls).toEqual([1, 10, 10, 10]);
    expect(upstash.used).toBe(31);
  });

  it('sends what it counted after a second even without a full batch', async () => {
    const upstash = fakeUpstash(100, 10_000);
    const windows = new BatchedWindows(budget, () => upstash.limiter);
    const { background, settle } = collect();
    for (const now of [1_000, 1_100, 1_200, 2_100]) {
      windows.take('a', background, now);
      await settle();
    }
    expect(upstash.calls).toEqual([1, 3]);
  });

  it("refuses without asking once the budget is spent, other isolates' requests included", async () => {
    const upstash = fakeUpstash(100, 10_000);
    const windows = new BatchedWindows(budget, () => upstash.limiter);
    const { background, settle } = collect();
    await windows.take('a', background, 1_000);
    upstash.addFromAnotherIsolate(95);
    const decisions = [];
    for (let i = 0; i < 12; i++) {
      decisions.push((await windows.take('a', background, 1_000)).allowed);
      await settle();
    }
    // Up to a batch of 10 is allowed on what Upstash said first (99 left); the batch's answer says none are left.
    expect(decisions.filter(Boolean)).toHaveLength(10);
    expect(decisions.slice(10)).toEqual([false, false]);
    const callsSoFar = upstash.calls.length;
    expect((await windows.take('a', background, 5_000)).allowed).toBe(false);
    expect(upstash.calls).toHaveLength(callsSoFar);
  });

  it('opens a new window, asking Upstash again, when the old one ends', async () => {
    const upstash = fakeUpstash(100, 10_000);
    const windows = new BatchedWindows(budget, () => upstash.limiter);
    const { background } = collect();
    await windows.take('a', background, 1_000);
    await windows.take('a', background, 10_000);
    expect(upstash.calls).toEqual([1, 1]);
  });

  it('keeps a count it could not send, and sends it with the next batch', async () => {
    const upstash = fakeUpstash(100, 10_000);
    const windows = new BatchedWindows(budget, () => upstash.limiter);
    const { background, settle } = collect();
    await windows.take('a', background, 1_000);
    upstash.fail(true);
    for (let i = 0; i < 10; i++) await windows.take('a', background, 1_000);
    await settle();
    upstash.fail(false);
    await windows.take('a', background, 1_000);
    await settle();
    expect(upstash.calls).toEqual([1, 11]);
  });
});
