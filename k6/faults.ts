// Faults under load: the realistic mix (with writes) against the local stack while a controller
// switches Postgres and Upstash faults on its endpoints, with healthy stretches between
// (lib/fault-schedule.ts). Thresholds per phase: warm keys keep answering from the cache, cold
// reads during a database fault get a 503 with Retry-After within 2 s, writes then fail cleanly,
// and 5 s after each fault nothing fails. At the end every writer reads its products back from
// the database: no acknowledged write may be missing or altered, no refused one applied.
//   npm run k6 -- faults                                   (reads the token and endpoints from .dev.vars)
//   k6 run -e API_TOKEN=<token> -e ALLOW_WRITES=1 k6/faults.ts
// Against `npm run serve` only: it needs the stack's /_stack/fault routes (-e NEON_ENDPOINT,
// -e UPSTASH_ENDPOINT when not on the default ports). docs/failure-behaviour.md explains it.
import { sleep } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { API_TOKEN, TARGET_RATE } from './lib/config.ts';
import { COLD_BOUND_MS, createWarmKeys, readColdKey, readWarmKey, warmEveryIsolate } from './lib/fault-probes.ts';
import {
  clearFaults,
  type FaultClock,
  isDatabaseFault,
  type Phase,
  phaseNow,
  requireFaultRoutes,
  runSchedule,
  scheduleFromEnv,
  scheduleLength,
} from './lib/fault-schedule.ts';
import { faultTable } from './lib/fault-summary.ts';
import { ProductWriter } from './lib/product-writer.ts';
import { SUMMARY_TREND_STATS } from './lib/shapes.ts';
import { type SummaryData, summaryFor } from './lib/summary.ts';
import { realisticTraffic, requireHealthyApi } from './lib/traffic.ts';

const schedule = scheduleFromEnv();
const RUN_SECONDS = Math.ceil(scheduleLength(schedule) / 1000);
/** RATE (default 200) split: the mix, and a tenth each for the warm and the cold probes; the writers add ~5/s. */
const MIX_RATE = Math.max(1, Math.round(TARGET_RATE * 0.7));
const PROBE_RATE = Math.max(1, Math.round(TARGET_RATE * 0.1));
const WRITERS = Number(__ENV.WRITERS || 6);
/** Between one writer's writes: each writer is a client of its own (lib/client-address.ts), well within its write budget. */
const WRITE_PAUSE_SECONDS = Number(__ENV.WRITE_PAUSE_SECONDS || 1.2);
const WARM_KEYS = Number(__ENV.WARM_KEYS || 12);
/** Writers stop this long before the schedule ends, then read back (in its last healthy stretch). */
const WRITES_STOP_BEFORE_END_MS = 3000;

const faults = [...new Set(schedule.flatMap((stretch) => (stretch.fault ? [stretch.fault] : [])))];
const databaseFaults = faults.filter(isDatabaseFault);
const cacheFaults = faults.filter((fault) => !isDatabaseFault(fault));
/** Phases judged: healthy (5 s after a fault ended, or before any) and each fault. */
const judged: Phase[] = ['healthy', ...faults];
const reported: Phase[] = [...judged, 'recovering', 'transition'];

/** An arrival-rate scenario with VUs for a 2 s wait on each request (a held database call is bounded at 1.5 s). */
const arrivals = (scenarioFunction: string, rate: number) => ({
  executor: 'constant-arrival-rate' as const,
  exec: scenarioFunction,
  rate,
  timeUnit: '1s',
  duration: `${RUN_SECONDS}s`,
  preAllocatedVUs: Math.max(20, rate * 3),
  maxVUs: Math.max(100, rate * 6),
});

const gates: NonNullable<Options['thresholds']> = {
  // Warm keys answer from the cache whatever fails, transitions included.
  warm_hit: ['rate==1'],
  ...Object.fromEntries(judged.map((phase) => [`warm_hit{phase:${phase}}`, ['rate==1']])),
  // Cold reads and writes: as each phase requires (lib/fault-probes.ts, lib/product-writer.ts).
  ...Object.fromEntries(judged.map((phase) => [`cold_read_as_expected{phase:${phase}}`, ['rate==1']])),
  ...Object.fromEntries(judged.map((phase) => [`write_as_expected{phase:${phase}}`, ['rate==1']])),
  ...Object.fromEntries(
    databaseFaults.map((phase) => [`cold_read_duration{phase:${phase}}`, [`max<${COLD_BOUND_MS}`]]),
  ),
  // Nothing fails once 5 s have passed after a fault, nor while only the cache is down (it fails open).
  ...Object.fromEntries(['healthy', ...cacheFaults].map((phase) => [`http_req_failed{phase:${phase}}`, ['rate==0']])),
  // The end check.
  acked_writes_lost: ['count==0'],
  acked_writes_altered: ['count==0'],
  refused_writes_applied: ['count==0'],
  end_check_products: ['count>0'],
  // Out of VUs means the offered load was not sent: the result would flatter the API.
  dropped_iterations: ['count<1'],
};

/** Not gates: thresholds that always hold make k6 keep these figures for the summary (a gate of the same name wins). */
const figures = Object.fromEntries([
  ...reported.flatMap((phase) => [
    [`warm_hit{phase:${phase}}`, ['rate>=0']],
    [`cold_read_as_expected{phase:${phase}}`, ['rate>=0']],
    [`cold_read_duration{phase:${phase}}`, ['max>=0']],
    [`write_as_expected{phase:${phase}}`, ['rate>=0']],
    [`http_req_failed{phase:${phase}}`, ['rate>=0']],
    [`http_req_duration{phase:${phase}}`, ['max>=0']],
  ]),
  ...['acknowledged', 'refused', 'unknown'].map((outcome) => [`write_outcomes{outcome:${outcome}}`, ['count>=0']]),
  ['unknown_writes_applied', ['count>=0']],
]);

export const options: Options = {
  scenarios: {
    faults: {
      executor: 'per-vu-iterations',
      exec: 'switchFaults',
      vus: 1,
      iterations: 1,
      maxDuration: `${RUN_SECONDS + 30}s`,
    },
    mix: arrivals('visit', MIX_RATE),
    warm: arrivals('readWarm', PROBE_RATE),
    cold: arrivals('readCold', PROBE_RATE),
    writers: {
      executor: 'per-vu-iterations',
      exec: 'write',
      vus: WRITERS,
      iterations: 1,
      maxDuration: `${RUN_SECONDS + 60}s`,
    },
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
  thresholds: { ...figures, ...gates },
};

interface SetupData {
  anchor: number;
  run: string;
  warmPaths: string[];
}

export function setup(): SetupData {
  requireHealthyApi();
  if (!API_TOKEN) {
    throw new Error(
      'k6/faults.ts writes and reads its writes back: pass -e API_TOKEN=<token> (see .dev.vars), ' +
        'and -e ALLOW_WRITES=1 if BASE_URL is not local (only for an API whose data is disposable).',
    );
  }
  requireFaultRoutes();
  clearFaults();
  const run = Date.now().toString(36);
  const warmPaths = createWarmKeys(WARM_KEYS, run, API_TOKEN);
  const isolates = warmEveryIsolate(warmPaths);
  console.log(
    `faults: ${warmPaths.length} warm keys in ${isolates} isolate(s); schedule ${schedule.map((s) => `${s.fault ?? 'healthy'} ${(s.endMs - s.startMs) / 1000}s`).join(', ')}`,
  );
  return { anchor: Date.now(), run, warmPaths };
}

const clockOf = (data: SetupData): FaultClock => ({ schedule, anchor: data.anchor });

export function switchFaults(data: SetupData): void {
  runSchedule(schedule, data.anchor);
}

/** One visitor of the realistic mix, its requests tagged with the phase it started in. */
export function visit(data: SetupData): void {
  exec.vu.metrics.tags.phase = phaseNow(clockOf(data));
  realisticTraffic();
}

export function readWarm(data: SetupData): void {
  readWarmKey(data.warmPaths[Math.floor(Math.random() * data.warmPaths.length)]!, clockOf(data));
}

export function readCold(data: SetupData): void {
  readColdKey(clockOf(data));
}

export function write(data: SetupData): void {
  const writer = new ProductWriter(data.run, exec.vu.idInTest, clockOf(data));
  const stopAt = data.anchor + scheduleLength(schedule) - WRITES_STOP_BEFORE_END_MS;
  while (Date.now() < stopAt) {
    writer.writeOnce();
    sleep(WRITE_PAUSE_SECONDS);
  }
  writer.verify();
}

/** Runs even when the test is aborted: the stack must not stay broken. */
export function teardown(): void {
  clearFaults();
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const summary = summaryFor('faults')(data);
  return { ...summary, stdout: `${summary.stdout}${faultTable(data, reported)}` };
}
