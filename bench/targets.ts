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
  /** workerd CPU time per request (µs), when the server is local. */
  cpuMicrosPerRequest?: number;
}

export interface Ratios {
  /** CPU per request over the hello-world Worker's, per scenario (when measured). */
  cpuVsHelloWorld: Record<string, number>;
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
  const floor = find(results, 'health');
  const hit = find(results, 'product hit');
  const bypass = find(results, 'product bypass');
  const statsHit = find(results, 'stats hit');
  const statsBypass = find(results, 'stats bypass');
  const helloCpu = results.find((r) => r.name === 'hello-world')?.cpuMicrosPerRequest;
  const cpuVsHelloWorld: Record<string, number> = {};
  for (const r of results) {
    if (helloCpu && r.cpuMicrosPerRequest !== undefined && r.name !== 'hello-world')
      cpuVsHelloWorld[r.name] = round(r.cpuMicrosPerRequest / helloCpu);
  }
  return {
    cpuVsHelloWorld,
    hitVsFloorThroughput: round(hit.requestsPerSecond / floor.requestsPerSecond),
    hitVsFloorP95: round(hit.p95 / floor.p95),
    hitVsBypassThroughput: round(hit.requestsPerSecond / bypass.requestsPerSecond),
    statsHitVsBypassThroughput: round(statsHit.requestsPerSecond / statsBypass.requestsPerSecond),
  };
}

export function compareToTargets(results: ScenarioResult[], ratios: Ratios): Verdict[] {
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  const cpu = (name: string, limit: number): Verdict[] => {
    const ratio = ratios.cpuVsHelloWorld[name];
    if (ratio === undefined) return [];
    const verdict = {
      description: `CPU per request, ${name} ≤ ${limit} × hello-world`,
      actual: `${ratio}×`,
      met: ratio <= limit,
    };
    // What a Worker doing nothing but send the same bytes costs: the part no code change can remove.
    const bytesOnly = ratios.cpuVsHelloWorld[`${name}, bytes only`];
    return bytesOnly === undefined
      ? [verdict]
      : [
          verdict,
          {
            description: `(info) ${name}'s bytes alone, replayed by a Worker that does nothing else`,
            actual: `${bytesOnly}× hello-world`,
            met: true,
          },
        ];
  };
  return [
    ...cpu('product hit', 1.5),
    ...cpu('health', 1.3),
    {
      description: 'cache-hit throughput ≥ 0.8 × /health floor',
      actual: `${ratios.hitVsFloorThroughput}×`,
      met: ratios.hitVsFloorThroughput >= 0.8,
    },
    {
      description: 'cache-hit p95 ≤ 2 × floor p95',
      actual: `${ratios.hitVsFloorP95}×`,
      met: ratios.hitVsFloorP95 <= 2,
    },
    {
      description: 'stats hit ≥ 10 × stats bypass throughput',
      actual: `${ratios.statsHitVsBypassThroughput}×`,
      met: ratios.statsHitVsBypassThroughput >= 10,
    },
    { description: 'no errors', actual: String(errors), met: errors === 0 },
    {
      description: '(info) cache hit vs database path throughput',
      actual: `${ratios.hitVsBypassThroughput}×`,
      met: true,
    },
  ];
}
