import { describe, expect, it } from 'vitest';
import { BatchedWindows } from '../../src/rate-limit/batched-windows';
import { BoundedMap } from '../../src/rate-limit/bounded-map';
import { parseBudget } from '../../src/rate-limit/budget';
import { clientAddress } from '../../src/rate-limit/client-address';
import { LocalWindows } from '../../src/rate-limit/local-windows';
import { rateLimitHeaders, secondsUntil } from '../../src/rate-limit/rate-limit-headers';
import { DEFAULT_BUDGETS, rateLimitSettingsFrom } from '../../src/rate-limit/rate-limit-settings';

describe('parseBudget', () => {
  it('reads "<requests> per <duration>" and "off"', () => {
    expect(parseBudget('reads', '600 per 10s')).toEqual({ name: 'reads', tokens: 600, windowMs: 10_000 });
    expect(parseBudget('writes', ' 60 per 1m ')).toEqual({ name: 'writes', tokens: 60, windowMs: 60_000 });
    expect(parseBudget('forced', 'off')).toBeUndefined();
  });

  it.each(['600', 'per 10s', '0 per 10s', '-1 per 10s', '1.5 per 10s', '10 per 500ms', '10 per 1500ms', '10 per ten seconds', ''])(
    'refuses %j, naming the form it wants', (text) => {
      expect(() => parseBudget('reads', text)).toThrow(/"<requests> per <duration>"/);
    });
});

describe('rateLimitSettingsFrom', () => {
  it('takes the vars, and reports a bad one and keeps its default rather than turning the limit off', () => {
    const reports: string[] = [];
    const settings = rateLimitSettingsFrom({ CACHE_NAMESPACE: 'shop', RATE_LIMIT_READS: '10 per 1s', RATE_LIMIT_WRITES: 'lots', RATE_LIMIT_FORCED: 'off' },
      (message) => reports.push(message));
    expect(settings.prefix).toBe('shop');
    expect(settings.budgets.reads).toEqual({ name: 'reads', tokens: 10, windowMs: 1000 });
    expect(settings.budgets.writes).toEqual(parseBudget('writes', DEFAULT_BUDGETS.writes));
    expect(settings.budgets.forced).toBeUndefined();
    expect(reports).toEqual([expect.stringMatching(/^RATE_LIMIT_WRITES: "lots" is not a budget.*Using "300 per 1m"\.$/)]);
  });

  it('uses the defaults when no var is set', () => {
    const settings = rateLimitSettingsFrom({}, () => expect.unreachable());
    expect(settings.prefix).toBe('edge-api');
    expect(Object.keys(settings.budgets)).toEqual(['reads', 'writes', 'forced']);
  });
});

describe('clientAddress', () => {
  const request = (headers: Record<string, string>, cf?: unknown) => ({ headers: new Headers(headers), cf });

  it("prefers the edge's CF-Connecting-IP", () => {
    expect(clientAddress(request({ 'CF-Connecting-IP': '203.0.113.7' }, { clientIp: '127.0.0.1:5000' }))).toBe('203.0.113.7');
  });

  it("falls back to workerd's socket address without its port, IPv4 and IPv6", () => {
    expect(clientAddress(request({}, { clientIp: '127.0.0.1:46174' }))).toBe('127.0.0.1');
    expect(clientAddress(request({}, { clientIp: '[::1]:46174' }))).toBe('::1');
  });

  it('is undefined with neither (a service binding, a test)', () => {
    expect(clientAddress(request({}))).toBeUndefined();
    expect(clientAddress(request({}, { clientIp: '' }))).toBeUndefined();
  });
});

describe('LocalWindows (the fallback while Upstash is down)', () => {
  const budget = parseBudget('reads', '3 per 10s')!;

  it('allows a budget per client per fixed window, and starts over in the next window', () => {
    const windows = new LocalWindows();
    const start = 1_000_000;
    const decisions = [0, 1, 2, 3].map((i) => windows.take(budget, 'a', start + i));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
    expect(decisions[0]!.resetAt).toBe(1_010_000);
    expect(windows.take(budget, 'b', start).allowed).toBe(true);
    expect(windows.take(budget, 'a', 1_010_000)).toEqual({ allowed: true, remaining: 2, resetAt: 1_020_000 });
  });

  it('counts each budget apart', () => {
    const windows = new LocalWindows();
    for (let i = 0; i < 3; i++) windows.take(budget, 'a', 0);
    expect(windows.take(parseBudget('writes', '1 per 10s')!, 'a', 0).allowed).toBe(true);
  });

  it('stays bounded however many clients it meets', () => {
    const windows = new LocalWindows();
    for (let i = 0; i < 25_000; i++) windows.take(budget, `client-${i}`, 0);
    // The first clients were forgotten: a forgotten client starts a fresh window.
    expect(windows.take(budget, 'client-0', 1).remaining).toBe(2);
  });
});

describe('RateLimit fields', () => {
  it('writes the policy and what is left of it as draft-ietf-httpapi-ratelimit-headers-10 does', () => {
    const budget = parseBudget('reads', '600 per 10s')!;
    expect(rateLimitHeaders(budget, { allowed: true, remaining: 42, resetAt: 7_400 }, 1_000)).toEqual({
      'RateLimit-Policy': '"reads";q=600;w=10',
      RateLimit: '"reads";r=42;t=7',
    });
  });

  it('never tells a client to retry in 0 seconds', () => {
    expect(secondsUntil(1_000, 1_000)).toBe(1);
    expect(secondsUntil(500, 1_000)).toBe(1);
    expect(secondsUntil(2_001, 1_000)).toBe(2);
  });
});

describe("BoundedMap (the limiter's ephemeral cache)", () => {
  it('forgets the oldest entries past its limit, and updates in place without forgetting', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3);
    expect([...map]).toEqual([['a', 3], ['b', 2]]);
    map.set('c', 4);
    expect([...map]).toEqual([['b', 2], ['c', 4]]);
    expect(map instanceof Map).toBe(true);
  });
});

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
        return { success: used <= tokens, limit: tokens, remaining: Math.max(0, tokens - used), reset: resetAt, pending: Promise.resolve() };
      },
    };
    return {
      limiter, calls,
      get used() { return used; },
      addFromAnotherIsolate: (n: number) => (used += n),
      fail: (value: boolean) => (failing = value),
    };
  }
  const budget = parseBudget('reads', '100 per 10s')!;
  const collect = () => {
    const pending: Promise<unknown>[] = [];
    return { background: (promise: Promise<unknown>) => pending.push(promise), settle: () => Promise.allSettled(pending.splice(0)) };
  };

  it('allows a window\'s first request on trust and counts it at once, then once per batch of a tenth of the budget', async () => {
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
