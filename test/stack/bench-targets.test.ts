// bench/targets.ts: the benchmark's ratios and how they are judged against the targets.
import { describe, expect, it } from 'vitest';
import { compareToTargets, ratiosOf, type ScenarioResult } from '../../bench/targets';

describe('benchmark targets', () => {
  const result = (
    name: string,
    requestsPerSecond: number,
    p95: number,
    errors = 0,
    cpuMicrosPerRequest?: number,
  ): ScenarioResult => ({
    name,
    path: '/',
    headers: {},
    requestsPerSecond,
    p50: p95 / 2,
    p95,
    p99: p95 * 2,
    errors,
    total: 1,
    cpuMicrosPerRequest,
  });

  it('computes the ratios and judges them', () => {
    const results = [
      result('health', 10_000, 4),
      result('product hit', 8_500, 5),
      result('product bypass', 1_000, 30),
      result('stats hit', 8_000, 5),
      result('stats bypass', 500, 100, 1),
    ];
    const ratios = ratiosOf(results);
    expect(ratios).toEqual({
      cpuVsHelloWorld: {},
      hitVsFloorThroughput: 0.85,
      hitVsFloorP95: 1.25,
      hitVsBypassThroughput: 8.5,
      statsHitVsBypassThroughput: 16,
    });
    const verdicts = compareToTargets(results, ratios);
    expect(verdicts.filter((v) => !v.met).map((v) => v.description)).toEqual(['no errors']);
  });

  it('judges CPU per request against the hello-world Worker when it was measured', () => {
    const results = [
      result('hello-world', 20_000, 2, 0, 60),
      result('health', 10_000, 4, 0, 75),
      result('product hit', 8_500, 5, 0, 100),
      result('product bypass', 1_000, 30, 0, 400),
      result('stats hit', 8_000, 5, 0, 90),
      result('stats bypass', 500, 100, 0, 500),
    ];
    const ratios = ratiosOf(results);
    expect(ratios.cpuVsHelloWorld).toEqual({
      health: 1.25,
      'product hit': 1.67,
      'product bypass': 6.67,
      'stats hit': 1.5,
      'stats bypass': 8.33,
    });
    const failed = compareToTargets(results, ratios)
      .filter((v) => !v.met)
      .map((v) => v.description);
    expect(failed).toEqual(['CPU per request, product hit ≤ 1.5 × hello-world']);
  });

  it("reports what a scenario's bytes alone cost next to its CPU target", () => {
    const results = [
      result('hello-world', 20_000, 2, 0, 60),
      result('health', 10_000, 4, 0, 90),
      result('health, bytes only', 12_000, 3, 0, 78),
      result('product hit', 8_500, 5, 0, 120),
      result('product bypass', 1_000, 30),
      result('stats hit', 8_000, 5),
      result('stats bypass', 500, 100),
    ];
    const verdicts = compareToTargets(results, ratiosOf(results));
    expect(verdicts.slice(0, 3)).toEqual([
      { description: 'CPU per request, product hit ≤ 1.5 × hello-world', actual: '2×', met: false },
      { description: 'CPU per request, health ≤ 1.3 × hello-world', actual: '1.5×', met: false },
      {
        description: "(info) health's bytes alone, replayed by a Worker that does nothing else",
        actual: '1.3× hello-world',
        met: true,
      },
    ]);
  });
});
