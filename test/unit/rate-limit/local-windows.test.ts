import { describe, expect, it } from 'vitest';
import { parseBudget } from '../../../src/rate-limit/budget';
import { LocalWindows } from '../../../src/rate-limit/local-windows';

describe('LocalWindows (the fallback while Upstash is down)', () => {
  const budget = parseBudget('reads', '3 per 10s')!;

  it('allows a budget per client per fixed window, and starts over in the next window', () => {
    const windows = new LocalWindows();
    const start = 1_000_000;
    const decisions = [0, 1, 2, 3].map((i) => windows.take(budget, 'a', start + i));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
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
