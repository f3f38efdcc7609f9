// The cache's per-isolate settings: every size and timing, each default written here once.
import { toMilliseconds } from '../timing';
import type { UpstashVars } from '../upstash';

/** Per-isolate settings; `edgeCacheSettingsFrom(env)` reads some of them from the Worker's vars. */
export interface EdgeCacheSettings {
  /** Prefix of every Redis key, so several apps or test runs can share one database. @default 'edge-api' */
  namespace: string;
  /**
   * Longest a single Upstash call may take before it counts as failed. Sized for a Worker far
   * from its Upstash region (round trips of ~150 ms, more under load), so a slow answer is never
   * taken for an outage. @default 500
   */
  timeoutMs: number;
  /**
   * Budget of the Upstash calls no response waits for (fills, lease releases) and of
   * invalidations: a missed invalidation costs more than a slow write, and an isolate busy
   * with a burst must not mistake its own queueing for an outage. @default 2000
   */
  patientTimeoutMs: number;
  /**
   * Longest an isolate serves values from memory without having heard from Upstash's
   * invalidation log: bounds how long another isolate's write can go unseen here (one small
   * call per isolate per period when nothing else reads Upstash). 0 turns the memory tier off. @default 1000
   */
  memoryMaxStalenessMs: number;
  /** Entries the memory tier holds per isolate. @default 5000 */
  memoryMaxEntries: number;
  /**
   * How long a fill lease lasts; callers that lost it (in another isolate, or to a lookup in
   * flight in this one) wait for the fill at most this long, then compute themselves. @default 2000
   */
  leaseMs: number;
  /** Lifetime of a tag's version in Redis; must exceed every entry's ttl + max(swr, staleIfError). @default 86400000 */
  tagTtlMs: number;
  /** Upstash failures within `breakerWindowMs` that open the circuit (if they are also `breakerFailureRatio` of the calls). @default 5 */
  breakerThreshold: number;
  /** Share of the window's Upstash calls that must have failed to open the circuit. @default 0.5 */
  breakerFailureRatio: number;
  /** The window failures are counted in. @default 10000 */
  breakerWindowMs: number;
  /** How long an open circuit skips Upstash before one trial call. @default 5000 */
  breakerCooldownMs: number;
  /**
   * First pause before a joiner looks again at the lookup in flight it waits for; the pause
   * doubles, then grows to an eighth of the time waited so far, up to `joinMaxPollMs`. A joiner
   * waits one Upstash round trip at least, so earlier looks are wasted wake-ups (~7 µs of CPU
   * each in workerd, times every waiter of a stampede, while the leader needs the CPU); later,
   * hundreds of waiters of a slow origin do not wake every few ms. @default 4
   */
  joinFirstPollMs: number;
  /** Longest pause between a joiner's looks at the lookup in flight. @default 100 */
  joinMaxPollMs: number;
  /**
   * Leases a joiner waits in all for a leader while other lookups in this isolate keep
   * finishing: then the leader is queued behind them, not lost, and computing too would add the
   * work an overloaded isolate has no room for. A leader whose request was canceled in a quiet
   * isolate is given up on after one lease. @default 4
   */
  maxJoinLeases: number;
  /** First pause before looking at another isolate's fill; it doubles up to `fillMaxPollMs`. @default 2 */
  fillFirstPollMs: number;
  /**
   * Longest pause between two looks (Upstash round trips) at another isolate's fill. Only one
   * lookup per key and isolate polls (its joiners wait on it in memory), so a stampede across N
   * isolates costs N - 1 peeks per interval, and each waiting isolate learns of the fill within it. @default 10
   */
  fillMaxPollMs: number;
  /**
   * How long a failed computation answers the isolates waiting for its lease: every waiter looks
   * well within it, and once the database is back, a key is asked again within it. @default 500
   */
  failureSharedMs: number;
  /** While invalidations are pending, traffic retries them in the background at most this often. @default 1000 */
  pendingRetryIntervalMs: number;
  /** Pauses before the background retries that follow a failed invalidation. @default [250, 1000, 4000, 15000] */
  invalidationRetryDelaysMs: readonly number[];
  /** How far back an isolate that has never synced asks for the invalidation log: longer than any entry stays servable. @default 900000 */
  logFirstLookBackMs: number;
  /** The event log writes at most one line per kind of event per interval (`createCacheEventLog`). @default 1000 */
  eventLogIntervalMs: number;
}

export const DEFAULT_CACHE_SETTINGS: Readonly<EdgeCacheSettings> = Object.freeze({
  namespace: 'edge-api',
  timeoutMs: 500,
  patientTimeoutMs: 2000,
  memoryMaxStalenessMs: 1000,
  memoryMaxEntries: 5000,
  leaseMs: 2000,
  tagTtlMs: 86_400_000,
  breakerThreshold: 5,
  breakerFailureRatio: 0.5,
  breakerWindowMs: 10_000,
  breakerCooldownMs: 5000,
  joinFirstPollMs: 4,
  joinMaxPollMs: 100,
  maxJoinLeases: 4,
  fillFirstPollMs: 2,
  fillMaxPollMs: 10,
  failureSharedMs: 500,
  pendingRetryIntervalMs: 1000,
  invalidationRetryDelaysMs: Object.freeze([250, 1000, 4000, 15_000]),
  logFirstLookBackMs: 15 * 60_000,
  eventLogIntervalMs: 1000,
});

/** The Worker vars the cache reads: where Upstash is, and the settings a deployment may change. */
export interface CacheVars extends UpstashVars {
  CACHE_NAMESPACE?: string;
  CACHE_TIMEOUT_MS?: string;
  CACHE_MEMORY_STALENESS?: string;
}

/**
 * Settings from the Worker's vars. A bad value is reported once and its default used: one
 * typo in a var must not turn every request into a 500.
 */
export function edgeCacheSettingsFrom(
  env: Partial<Pick<CacheVars, 'CACHE_NAMESPACE' | 'CACHE_TIMEOUT_MS' | 'CACHE_MEMORY_STALENESS'>>,
  report: (message: string) => void = console.error,
): EdgeCacheSettings {
  const settings = { ...DEFAULT_CACHE_SETTINGS };
  if (env.CACHE_NAMESPACE) settings.namespace = env.CACHE_NAMESPACE;
  if (env.CACHE_TIMEOUT_MS) {
    const timeoutMs = Number(env.CACHE_TIMEOUT_MS);
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) settings.timeoutMs = timeoutMs;
    else
      report(`CACHE_TIMEOUT_MS="${env.CACHE_TIMEOUT_MS}" is not a positive number of ms; using ${settings.timeoutMs}.`);
  }
  if (env.CACHE_MEMORY_STALENESS) {
    try {
      settings.memoryMaxStalenessMs = toMilliseconds(env.CACHE_MEMORY_STALENESS);
    } catch {
      report(
        `CACHE_MEMORY_STALENESS="${env.CACHE_MEMORY_STALENESS}" is not a duration like '2s'; using ${settings.memoryMaxStalenessMs} ms.`,
      );
    }
  }
  return settings;
}
