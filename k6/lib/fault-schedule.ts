// The schedule of k6/faults.ts: healthy stretches around each fault, the faults switched on the
// local stack's endpoints (`POST /_stack/fault`), and the phase each request is judged in.
// VUs share no memory: every one reads the phase off the clock, from the anchor setup() returns.
import { sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { NEON_ENDPOINT, UPSTASH_ENDPOINT } from './config.ts';

/** Each fault: which endpoint, and the body of its `/_stack/fault` call. */
export const FAULTS = {
  'pg-error': { endpoint: 'neon', mode: 'error' },
  'pg-hang': { endpoint: 'neon', mode: 'hang' },
  // Answers after the Worker's statement deadline (1.5 s): the statement has run, the Worker says 503.
  'pg-slow': { endpoint: 'neon', mode: 'slow', delayMs: 3000 },
  'pg-drop': { endpoint: 'neon', mode: 'drop' },
  'upstash-error': { endpoint: 'upstash', mode: 'error' },
  'upstash-hang': { endpoint: 'upstash', mode: 'hang' },
  'upstash-slow': { endpoint: 'upstash', mode: 'slow', delayMs: 1500 },
  'upstash-drop': { endpoint: 'upstash', mode: 'drop' },
} as const;
export type FaultName = keyof typeof FAULTS;
/** `recovering`: the first RECOVERY_MS after a fault; `transition`: the edges of a fault, when a request may straddle it. */
export type Phase = FaultName | 'healthy' | 'recovering' | 'transition';

const isFaultName = (name: string): name is FaultName => name in FAULTS;
export const isDatabaseFault = (phase: Phase) => phase.startsWith('pg-');

/** How long after a fault ends the error rate must be back to zero. */
export const RECOVERY_MS = 5000;
/**
 * Requests that start this close to a switch are judged in neither phase: the controller's call
 * takes a moment, and a request in flight may meet both sides.
 */
const SETTLE_MS = 500;

export interface Stretch {
  /** undefined: healthy. */
  fault: FaultName | undefined;
  startMs: number;
  endMs: number;
}

/** `-e FAULTS=pg-error,pg-hang,…` (default the four and pg-slow), `-e FAULT_SECONDS`, `-e HEALTHY_SECONDS`. */
export function scheduleFromEnv(): Stretch[] {
  const names = (__ENV.FAULTS || 'pg-error,pg-hang,pg-slow,upstash-error,upstash-hang')
    .split(',')
    .map((name) => name.trim());
  const unknown = names.filter((name) => !isFaultName(name));
  if (unknown.length)
    throw new Error(`Unknown fault ${unknown.join(', ')} in FAULTS: use ${Object.keys(FAULTS).join(', ')}.`);
  return faultSchedule(
    names as FaultName[],
    Number(__ENV.HEALTHY_SECONDS || 15) * 1000,
    Number(__ENV.FAULT_SECONDS || 20) * 1000,
  );
}

/** healthy, fault, healthy, fault, …, healthy. */
export function faultSchedule(faults: readonly FaultName[], healthyMs: number, faultMs: number): Stretch[] {
  const stretches: Stretch[] = [];
  let at = 0;
  const add = (fault: FaultName | undefined, length: number) => {
    stretches.push({ fault, startMs: at, endMs: at + length });
    at += length;
  };
  add(undefined, healthyMs);
  for (const fault of faults) {
    add(fault, faultMs);
    add(undefined, healthyMs);
  }
  return stretches;
}

export const scheduleLength = (schedule: readonly Stretch[]) => schedule[schedule.length - 1]!.endMs;

/** What every VU needs to tell phases: the schedule, and when it started (ms since the epoch; setup() sets it). */
export interface FaultClock {
  schedule: readonly Stretch[];
  anchor: number;
}

/** The phase a request starting now is tagged with (its start alone: see `phaseOf`). */
export const phaseNow = ({ schedule, anchor }: FaultClock): Phase => phaseAt(schedule, Date.now() - anchor);

/** The phase a request started `ms` after the anchor is judged in; past the end, the last stretch's. */
export function phaseAt(schedule: readonly Stretch[], ms: number): Phase {
  const last = schedule.length - 1;
  const index =
    ms >= scheduleLength(schedule)
      ? last
      : Math.max(
          0,
          schedule.findIndex((stretch) => ms < stretch.endMs),
        );
  const stretch = schedule[index]!;
  const sinceStart = ms - stretch.startMs;
  if (index > 0 && sinceStart < SETTLE_MS) return 'transition';
  if (index < last && stretch.endMs - ms <= SETTLE_MS) return 'transition';
  if (stretch.fault) return stretch.fault;
  // Every healthy stretch but the first follows a fault.
  return index > 0 && sinceStart < RECOVERY_MS ? 'recovering' : 'healthy';
}

/**
 * The phase a request is judged in, from when it started and ended: a request that met two
 * phases (started before a switch, answered after it) is a `transition`.
 */
export function phaseOf({ schedule, anchor }: FaultClock, startedAt: number, endedAt: number): Phase {
  const started = phaseAt(schedule, startedAt - anchor);
  return started === phaseAt(schedule, endedAt - anchor) ? started : 'transition';
}

function setFault(endpoint: 'neon' | 'upstash', body: { mode: string; delayMs?: number }): void {
  const url = `${endpoint === 'neon' ? NEON_ENDPOINT : UPSTASH_ENDPOINT}/_stack/fault`;
  const response = http.post(url, JSON.stringify(body), {
    tags: { name: 'fault-control', phase: 'control' },
    responseCallback: http.expectedStatuses(204),
    timeout: '5s',
  });
  if (response.status !== 204)
    exec.test.abort(`${url} answered ${response.status || response.error} to ${JSON.stringify(body)}`);
}

/** Both endpoints healthy again. */
export function clearFaults(): void {
  setFault('neon', { mode: 'none' });
  setFault('upstash', { mode: 'none' });
}

/** The controller: switches each stretch's fault on at its start, from `anchor` (ms since the epoch). */
export function runSchedule(schedule: readonly Stretch[], anchor: number): void {
  for (const stretch of schedule) {
    const wait = anchor + stretch.startMs - Date.now();
    if (wait > 0) sleep(wait / 1000);
    if (!stretch.fault) {
      clearFaults();
      continue;
    }
    const { endpoint, ...body } = FAULTS[stretch.fault];
    setFault(endpoint, body);
  }
  clearFaults();
}

/** Fails setup with a clear message when the fault routes cannot be reached. */
export function requireFaultRoutes(): void {
  for (const endpoint of [NEON_ENDPOINT, UPSTASH_ENDPOINT]) {
    const response = http.get(`${endpoint}/_stack/stats`, {
      tags: { name: 'fault-control', phase: 'control' },
      timeout: '5s',
    });
    if (response.status !== 200) {
      throw new Error(
        `${endpoint}/_stack/stats answered ${response.status || response.error}: k6/faults.ts switches faults on the local stack ` +
          '(npm run serve). Pass -e NEON_ENDPOINT=… -e UPSTASH_ENDPOINT=… (NEON_LOCAL_ENDPOINT and UPSTASH_REDIS_REST_URL in .dev.vars), or run it with npm run k6 -- faults.',
      );
    }
  }
}
