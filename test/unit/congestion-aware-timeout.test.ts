import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { congestionAwareTimeout } from '../../src/cache/congestion-aware-timeout';

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
});
