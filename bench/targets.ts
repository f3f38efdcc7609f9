// The ratios BENCHMARKS.md holds the project to, computed from one run's results.

export interface ScenarioResult {
  name: string;
  path: string;
  headers: Record<string, string>;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  total: number;
}

export interface Ratios {
  hitVsFloorThroughput: number;
  hitVsFloorP95: number;
  hitVsBypassThroughput: number;
  statsHitVsBypassThroughput: number;
}

export interface Verdict {
  description: string;
  actual: string;
  met: boolean;
}

function find(results: ScenarioResult[], name: string): ScenarioResult {
  const result = results.find((r) => r.name === name);
  if (!result) throw new Error(`No "${name}" scenario in the results`);
  return result;
}

const round = (value: number) => Math.round(value * 100) / 100;

export function ratiosOf(results: ScenarioResult[]): Ratios {
  const floor = find(results, 'health (floor)');
  const hit = find(results, 'product hit');
  const bypass = find(results, 'product bypass');
  const statsHit = find(results, 'stats hit');
  const statsBypass = find(results, 'stats bypass');
  return {
    hitVsFloorThroughput: round(hit.requestsPerSecond / floor.requestsPerSecond),
    hitVsFloorP95: round(hit.p95 / floor.p95),
    hitVsBypassThroughput: round(hit.requestsPerSecond / bypass.requestsPerSecond),
    statsHitVsBypassThroughput: round(statsHit.requestsPerSecond / statsBypass.requestsPerSecond),
  };
}

export function compareToTargets(results: ScenarioResult[], ratios: Ratios): Verdict[] {
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  return [
    { description: 'cache-hit throughput ≥ 0.8 × /health floor', actual: `${ratios.hitVsFloorThroughput}×`, met: ratios.hitVsFloorThroughput >= 0.8 },
    { description: 'cache-hit p95 ≤ 2 × floor p95', actual: `${ratios.hitVsFloorP95}×`, met: ratios.hitVsFloorP95 <= 2 },
    { description: 'stats hit ≥ 10 × stats bypass throughput', actual: `${ratios.statsHitVsBypassThroughput}×`, met: ratios.statsHitVsBypassThroughput >= 10 },
    { description: 'no errors', actual: String(errors), met: errors === 0 },
    { description: '(info) cache hit vs database path throughput', actual: `${ratios.hitVsBypassThroughput}×`, met: true },
  ];
}
