import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import { BatchedWindows } from './batched-windows';
import { BoundedMap } from './bounded-map';
import type { Budget, BudgetName } from './budget';
import { type BudgetDecision, LocalWindows } from './local-windows';

export interface RateLimitSettings {
  /** Prefix of the limiter's keys in Upstash (the cache namespace's, so previews count apart). */
  prefix: string;
  /** Longest one Upstash call may take (the cache's CACHE_TIMEOUT_MS). */
  timeoutMs: number;
  budgets: Partial<Record<BudgetName, Budget>>;
}

/** How long the limiter counts in memory alone after an Upstash call failed, before asking again. */
const UPSTASH_RETRY_AFTER_FAILURE_MS = 5_000;
/** Clients (per window) each budget's ephemeral cache remembers. */
const EPHEMERAL_CACHE_ENTRIES = 10_000;

/**
 * The isolate's rate limiter: `@upstash/ratelimit` counting per client in Upstash, so every
 * isolate sees one budget; each budget's ephemeral cache remembers clients already over it, so
 * they cost no Upstash call until their window ends.
 *
 * Reads use a fixed window counted in batches (batched-windows.ts): after a client's first read
 * of a window in this isolate, its reads are decided in memory and counted in Upstash a batch at
 * a time in the background, so a cache hit neither waits for a round trip nor costs a command.
 * Writes and forced refreshes are rarer and costlier: an exact sliding window, one awaited call
 * each.
 *
 * When Upstash fails, the limiter fails open to a coarse limit counted in this isolate
 * (`LocalWindows`) for a few seconds, then asks Upstash again.
 */
export class ClientRateLimiter {
  readonly #settings: RateLimitSettings;
  readonly #limiters = new Map<BudgetName, Ratelimit>();
  #batchedReads: BatchedWindows | undefined;
  readonly #local = new LocalWindows();
  #upstashFailedAt = Number.NEGATIVE_INFINITY;

  constructor(settings: RateLimitSettings) {
    this.#settings = settings;
  }

  get timeoutMs(): number {
    return this.#settings.timeoutMs;
  }

  budget(name: BudgetName): Budget | undefined {
    return this.#settings.budgets[name];
  }

  /** Counts one request of `client` against `budget`; `background` keeps a pending count alive past the response. */
  async take(
    budget: Budget,
    client: string,
    redis: () => Redis,
    background: (promise: Promise<unknown>) => void,
  ): Promise<BudgetDecision> {
    if (Date.now() - this.#upstashFailedAt < UPSTASH_RETRY_AFTER_FAILURE_MS) return this.#local.take(budget, client);
    try {
      if (budget.name === 'reads') {
        this.#batchedReads ??= new BatchedWindows(budget, () => this.#limiter(budget, redis()));
        return this.#batchedReads.take(client, (sync) =>
          background(sync.catch((error: unknown) => this.#noteUpstashFailure(error))),
        );
      }
      const result = await this.#limiter(budget, redis()).limit(client);
      background(result.pending.catch((error: unknown) => this.#noteUpstashFailure(error)));
      return { allowed: result.success, remaining: Math.max(0, result.remaining), resetAt: result.reset };
    } catch (error) {
      this.#noteUpstashFailure(error);
      return this.#local.take(budget, client);
    }
  }

  /** Logged once per fallback, by name only: the error's message repeats the command, client addresses included. */
  #noteUpstashFailure(error: unknown): void {
    const now = Date.now();
    if (now - this.#upstashFailedAt >= UPSTASH_RETRY_AFTER_FAILURE_MS) {
      const cause = error instanceof Error ? error.name : typeof error;
      console.warn(
        JSON.stringify({
          level: 'warn',
          event: 'rate-limit-fallback',
          detail: `Upstash failed (${cause}): counting in this isolate for ${UPSTASH_RETRY_AFTER_FAILURE_MS / 1000} s`,
        }),
      );
    }
    this.#upstashFailedAt = now;
  }

  #limiter(budget: Budget, redis: Redis): Ratelimit {
    let limiter = this.#limiters.get(budget.name);
    if (!limiter) {
      const window = `${budget.windowMs / 1000} s` as const;
      limiter = new Ratelimit({
        redis,
        prefix: `${this.#settings.prefix}:rate-limit:${budget.name}`,
        limiter:
          budget.name === 'reads'
            ? Ratelimit.fixedWindow(budget.tokens, window)
            : Ratelimit.slidingWindow(budget.tokens, window),
        ephemeralCache: new BoundedMap<string, number>(EPHEMERAL_CACHE_ENTRIES),
        // The Upstash client has its own timeout, and a timed-out call falls back to the local
        // count here; the library's own timeout would let the request through unlimited.
        timeout: 0,
        analytics: false,
      });
      this.#limiters.set(budget.name, limiter);
    }
    return limiter;
  }
}
