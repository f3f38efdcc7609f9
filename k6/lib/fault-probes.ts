// The reads k6/faults.ts judges phase by phase: warm keys (products setup created and warmed in
// every isolate, never written during the run) and cold reads (a search no one made before, so
// always a cache miss that the database must answer).
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Rate, Trend } from 'k6/metrics';
import { clientAddressHeader } from './client-address.ts';
import { BASE_URL } from './config.ts';
import { type FaultClock, isDatabaseFault, type Phase, phaseNow, phaseOf } from './fault-schedule.ts';

/** Warm keys answered 200 from the cache (X-Cache HIT or STALE). */
const warmHit = new Rate('warm_hit');
/** Cold reads answered as their phase requires: 503 problem+json with Retry-After within COLD_BOUND_MS during a database fault, else 200. */
const coldAsExpected = new Rate('cold_read_as_expected');
const coldDuration = new Trend('cold_read_duration', true);

/** How long a cold read may take during a database fault: the statement deadline (1.5 s) and some. */
export const COLD_BOUND_MS = 2000;
/** Failures each VU describes on the console, so a failed threshold comes with examples. */
const REPORTED_PER_VU = 3;
let reported = 0;

function report(what: string, phase: Phase, status: number, headers: Record<string, string>): void {
  if (reported++ >= REPORTED_PER_VU) return;
  console.warn(
    `${what} in ${phase}: ${status} X-Cache=${headers['X-Cache'] ?? '-'} Cache-Status=${headers['Cache-Status'] ?? '-'} ` +
      `Server-Timing=${headers['Server-Timing'] ?? '-'} (VU ${exec.vu.idInTest})`,
  );
}

export function readWarmKey(path: string, clock: FaultClock): void {
  const startedAt = Date.now();
  const response = http.get(`${BASE_URL}${path}`, {
    headers: clientAddressHeader(),
    tags: { name: 'warm', phase: phaseNow(clock) },
    responseType: 'none',
  });
  const phase = phaseOf(clock, startedAt, Date.now());
  const cache = response.headers['X-Cache'];
  const hit = response.status === 200 && (cache === 'HIT' || cache === 'STALE');
  warmHit.add(hit, { phase });
  check(response, { 'warm key: 200 HIT or STALE': () => hit });
  if (!hit) report('warm key not a hit', phase, response.status, response.headers);
}

export function readColdKey(clock: FaultClock): void {
  const startedAt = Date.now();
  const tagged = phaseNow(clock);
  // A name search that matches nothing, new in every run and iteration: never cached before.
  const term = `cold${clock.anchor.toString(36)}i${exec.scenario.iterationInTest}`;
  const response = http.get(`${BASE_URL}/api/products?q=${term}&limit=5`, {
    headers: clientAddressHeader(),
    tags: { name: 'cold', phase: tagged },
    responseType: 'none',
    responseCallback: http.expectedStatuses(isDatabaseFault(tagged) ? 503 : 200),
  });
  const phase = phaseOf(clock, startedAt, Date.now());
  const duration = response.timings.duration;
  const asExpected = isDatabaseFault(phase)
    ? response.status === 503 &&
      String(response.headers['Content-Type']).startsWith('application/problem+json') &&
      Boolean(response.headers['Retry-After']) &&
      duration < COLD_BOUND_MS
    : response.status === 200;
  coldAsExpected.add(asExpected, { phase });
  coldDuration.add(duration, { phase });
  check(response, {
    [`cold read: ${isDatabaseFault(phase) ? `503 problem+json within ${COLD_BOUND_MS} ms` : '200'}`]: () => asExpected,
  });
  // At the edges of a fault either answer is right: only judged phases are worth describing.
  if (!asExpected && phase !== 'transition' && phase !== 'recovering')
    report(`cold read (${Math.round(duration)} ms)`, phase, response.status, response.headers);
}

/** Products for the warm reads: new (so no other writer touches them), one request each. */
export function createWarmKeys(count: number, run: string, token: string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const body = {
      sku: `FWARM-${run}-${i}`,
      name: `Warm key ${run} ${i}`,
      category: 'desk',
      priceCents: 1000 + i,
      stock: i,
    };
    const response = http.post(`${BASE_URL}/api/products`, JSON.stringify(body), {
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      tags: { name: 'setup' },
    });
    if (response.status !== 201)
      throw new Error(`Creating warm key ${i} answered ${response.status}: ${String(response.body).slice(0, 200)}`);
    return `/api/products/${(response.json() as { id: number }).id}`;
  });
}

/**
 * Reads each path in every isolate, so each has it in memory: during an Upstash fault an isolate
 * answers from its own memory, and a key it never read there is no warm key for it. Each read
 * closes its connection, so the next lands on an isolate the kernel picks anew (`X-Isolate`
 * names it; absent with one isolate).
 */
export function warmEveryIsolate(paths: readonly string[]): number {
  const read = (path: string) => {
    const response = http.get(`${BASE_URL}${path}`, {
      headers: { Connection: 'close' },
      responseType: 'none',
      tags: { name: 'setup' },
    });
    if (response.status !== 200) throw new Error(`Warming ${path} answered ${response.status || response.error}.`);
    return response.headers['X-Isolate'] ?? '-';
  };
  const isolates = new Set(Array.from({ length: 32 }, () => read('/health')));
  for (const path of paths) {
    const seen = new Set<string>();
    for (let attempt = 0; attempt < 64 && seen.size < isolates.size; attempt++) seen.add(read(path));
    if (seen.size < isolates.size)
      throw new Error(`${path} reached ${seen.size} of ${isolates.size} isolates in 64 reads.`);
  }
  return isolates.size;
}
