import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/cache/circuit-breaker';

describe('CircuitBreaker', () => {
  const options = { failureThreshold: 3, failureRatio: 0.5, windowMs: 10_000, cooldownMs: 5000 };

  it('opens after the threshold, lets one trial through after the cool-down, closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(options, () => now);
    for (let i = 0; i < 2; i++) breaker.recordFailure();
    expect(breaker.allows()).toBe(true);
    breaker.recordFailure();
    expect(breaker.isOpen).toBe(true);
    expect(breaker.allows()).toBe(false);
    now = 5000;
    expect(breaker.allows()).toBe(true);
    expect(breaker.allows()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.allows()).toBe(true);
    expect(breaker.isOpen).toBe(false);
  });

  it('re-opens when the trial fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ ...options, failureThreshold: 1, cooldownMs: 1000 }, () => now);
    breaker.recordFailure();
    now = 1000;
    expect(breaker.allows()).toBe(true);
    breaker.recordFailure();
    expect(breaker.allows()).toBe(false);
    now = 1999;
    expect(breaker.allows()).toBe(false);
  });

  it('stays closed when failures are a minority of the calls (slow answers under load, not an outage)', () => {
    let now = 0;
    const breaker = new CircuitBreaker(options, () => now);
    for (let i = 0; i < 100; i++) {
      now += 10;
      if (i % 4 === 0) breaker.recordFailure();
      else breaker.recordSuccess();
    }
    expect(breaker.isOpen).toBe(false);
    expect(breaker.allows()).toBe(true);
  });

  it('counts failures per window: old ones do not add up with new ones', () => {
    let now = 0;
    const breaker = new CircuitBreaker(options, () => now);
    breaker.recordFailure();
    breaker.recordFailure();
    now = 10_000;
    breaker.recordFailure();
    expect(breaker.isOpen).toBe(false);
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.isOpen).toBe(true);
  });
});
