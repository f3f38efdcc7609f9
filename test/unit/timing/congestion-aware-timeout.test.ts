import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { congestionAwareTimeout, queueAwareDeadline, wentSilent } from '../../../src/timing/congestion-aware-timeout';

describe('congestionAwareTimeout', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('aborts with a TimeoutError when its timer fires on time', () => {
    const signal = congestionAwareTimeout(100);
    vi.advanceTimersByTime(99);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('grants another budget when its timer fires late (the isolate was busy), and gives up after 12 s of lateness', () => {
    const signal = congestionAwareTimeout(100);
    // The event loop was blocked: the clock moved 300 ms before the 100 ms timer could run.
    vi.setSystemTime(Date.now() + 300);
    vi.advanceTimersByTime(100);
    expect(signal.aborted).toBe(false);
    // Still congested: each late firing re-arms, past 8 budgets (800 ms), until 12 s have passed in all.
    while (Date.now() < 1_000_000 + 11_600) {
      vi.setSystemTime(Date.now() + 60);
      vi.advanceTimersByTime(100);
      expect(signal.aborted).toBe(false);
    }
    for (let i = 0; i < 3; i++) {
      vi.setSystemTime(Date.now() + 60);
      vi.advanceTimersByTime(100);
    }
    expect(signal.aborted).toBe(true);
    expect(Date.now() - 1_000_000).toBeLessThanOrEqual(12_100);
    // Gave up while it still looked like load: not a sign of an outage.
    expect(wentSilent(signal.reason)).toBe(false);
  });

  it('waits 8 budgets of lateness when they are longer than 12 s (16 s for a 2 s budget)', () => {
    const signal = congestionAwareTimeout(2000);
    while (!signal.aborted) {
      vi.setSystemTime(Date.now() + 600);
      vi.advanceTimersByTime(2000);
    }
    const waited = Date.now() - 1_000_000;
    expect(waited).toBeGreaterThan(12_000);
    expect(waited).toBeLessThanOrEqual(16_000);
  });

  it('aborts on time after a late firing once the isolate has caught up', () => {
    const signal = congestionAwareTimeout(100);
    vi.setSystemTime(Date.now() + 300);
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(99);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
  });

  it('grants another budget while Upstash keeps answering other calls (this one is queued), until 8 budgets', () => {
    let lastAnswerAt = 0;
    const signal = congestionAwareTimeout(100, (since) => lastAnswerAt >= since);
    // Timers fire on time, but other calls get answers within each budget.
    for (let i = 0; i < 7; i++) {
      vi.advanceTimersByTime(60);
      lastAnswerAt = Date.now();
      vi.advanceTimersByTime(40);
      expect(signal.aborted).toBe(false);
    }
    vi.advanceTimersByTime(60);
    lastAnswerAt = Date.now();
    vi.advanceTimersByTime(40);
    expect(signal.aborted).toBe(true);
    // Gave up while it still looked like load: not a sign of an outage.
    expect(wentSilent(signal.reason)).toBe(false);
  });

  it('aborts after the first budget in which Upstash answered nothing, and says it went silent', () => {
    let lastAnswerAt = 0;
    const signal = congestionAwareTimeout(100, (since) => lastAnswerAt >= since);
    vi.advanceTimersByTime(50);
    lastAnswerAt = Date.now();
    vi.advanceTimersByTime(50);
    expect(signal.aborted).toBe(false);
    // The dependency goes quiet: the next on-time firing aborts.
    vi.advanceTimersByTime(100);
    expect(signal.aborted).toBe(true);
    expect(wentSilent(signal.reason)).toBe(true);
    expect(wentSilent(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(false);
  });
});

describe('queueAwareDeadline (database statements)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  /** The signal, and how long after it was made it aborted. */
  const deadline = (budgetMs: number) => {
    const started = Date.now();
    const signal = queueAwareDeadline(budgetMs);
    const result = { signal, abortedAfter: Number.NaN };
    signal.addEventListener('abort', () => (result.abortedAfter = Date.now() - started));
    return result;
  };
  /** The isolate is busy for `busyMs` (the clock moves, every pending timer runs that much late), then time runs on for `ms`. */
  const busyThenRun = (busyMs: number, ms: number) => {
    vi.setSystemTime(Date.now() + busyMs);
    vi.advanceTimersByTime(ms);
  };

  it('aborts after the budget when its checks fire on time (a hung or slow database, an idle isolate)', () => {
    const { signal } = deadline(1500);
    vi.advanceTimersByTime(1499);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('waits while most checks fire late, each by far less than the one-timer threshold (overload: the answer is queued here)', () => {
    const statement = deadline(1500);
    const oneTimer = congestionAwareTimeout(1500);
    // Each quarter of the budget, the isolate is 60 ms behind: 240 ms in all, under one timer's budget/4.
    for (let i = 0; i < 4; i++) busyThenRun(60, 375);
    expect(oneTimer.aborted).toBe(true);
    expect(statement.signal.aborted).toBe(false);
    for (let i = 0; i < 8; i++) busyThenRun(60, 375);
    expect(statement.signal.aborted).toBe(false);
    // Caught up: one budget of on-time checks, then it gives up (the database is the slow one).
    vi.advanceTimersByTime(1500);
    expect(statement.signal.aborted).toBe(true);
  });

  it('does not move, nor lengthen the budget, for one late check (a GC pause, a busy neighbour)', () => {
    const statement = deadline(1500);
    busyThenRun(400, 375);
    vi.advanceTimersByTime(1500);
    expect(statement.signal.aborted).toBe(true);
    expect(statement.abortedAfter).toBe(1500);
  });

  it('gives up after 8 budgets however long the isolate stays busy: a hung database is still bounded', () => {
    const statement = deadline(1500);
    for (let i = 0; i < 100 && !statement.signal.aborted; i++) busyThenRun(60, 375);
    expect(statement.abortedAfter).toBeGreaterThan(1500 * 7);
    expect(statement.abortedAfter).toBeLessThanOrEqual(1500 * 8 + 8 * 4 * 60);
  });
});
