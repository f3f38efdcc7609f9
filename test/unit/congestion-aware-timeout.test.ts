import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { congestionAwareTimeout, wentSilent } from '../../src/cache/congestion-aware-timeout';

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

  it('grants another budget when its timer fires late (the isolate was busy), and gives up after 8 budgets', () => {
    const signal = congestionAwareTimeout(100);
    // The event loop was blocked: the clock moved 300 ms before the 100 ms timer could run.
    vi.setSystemTime(Date.now() + 300);
    vi.advanceTimersByTime(100);
    expect(signal.aborted).toBe(false);
    // Still congested: each late firing re-arms, until 8 budgets (800 ms) have passed in all.
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(Date.now() + 60);
      vi.advanceTimersByTime(100);
    }
    expect(signal.aborted).toBe(true);
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
