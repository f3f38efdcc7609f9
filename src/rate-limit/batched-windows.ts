import type { Ratelimit } from '@upstash/ratelimit';
import { BoundedMap } from './bounded-map';
import type { Budget } from './budget';
import type { BudgetDecision } from './local-windows';

/** What this isolate knows of one client's current window. */
interface ClientWindow {
  resetAt: number;
  /** The budget left in Upstash at the last answer. */
  remaining: number;
  /** Requests allowed here since then, not yet counted in Upstash. */
  unsynced: number;
  lastSyncAt: number;
  syncing: boolean;
}

/** Longest this isolate's count of a client goes unsent to Upstash. */
const SYNC_INTERVAL_MS = 1_000;
/** Clients remembered at most; past it, the one whose window began first is forgotten. */
const MAX_CLIENTS = 10_000;

/**
 * A fixed window counted in Upstash in batches: requests are decided here against what Upstash
 * last said (a client's first of a window on trust), and sent as one increment
 * (`limit(client, { rate: n })`) in the background at once for a new window, then once a tenth
 * of the budget or a second has gone by. No read waits for Upstash. So a memory-tier hit, which costs no Upstash call of its own,
 * does not start costing one per request for its rate limit: CPU per hit and Upstash's bill stay
 * what they were. Several isolates serving one client can together allow up to one batch each
 * beyond the budget before their counts meet.
 */
export class BatchedWindows {
  readonly #windows = new BoundedMap<string, ClientWindow>(MAX_CLIENTS);
  readonly #batch: number;
  readonly #tokens: number;
  readonly #windowMs: number;

  constructor(
    budget: Budget,
    private readonly limiter: () => Pick<Ratelimit, 'limit'>,
  ) {
    this.#batch = Math.max(1, Math.floor(budget.tokens / 10));
    this.#tokens = budget.tokens;
    this.#windowMs = budget.windowMs;
  }

  take(client: string, background: (promise: Promise<unknown>) => void, now = Date.now()): BudgetDecision {
    let window = this.#windows.get(client);
    if (!window || window.resetAt <= now) window = this.#open(client, now);
    if (window.remaining - window.unsynced <= 0) return { allowed: false, remaining: 0, resetAt: window.resetAt };
    window.unsynced += 1;
    if (!window.syncing && (window.unsynced >= this.#batch || now - window.lastSyncAt >= SYNC_INTERVAL_MS)) {
      background(this.#sync(client, window, now));
    }
    return { allowed: true, remaining: window.remaining - window.unsynced, resetAt: window.resetAt };
  }

  /**
   * A client's first request of a window here is allowed on trust and counted at once in the
   * background: most clients make a few requests, and waiting for Upstash on each one's first
   * would add a round trip to nearly every cache hit. A client already over budget elsewhere gets
   * that one request, then the answer refuses the rest.
   */
  #open(client: string, now: number): ClientWindow {
    const window: ClientWindow = {
      // Ratelimit.fixedWindow's buckets: whole windows since the epoch.
      resetAt: (Math.floor(now / this.#windowMs) + 1) * this.#windowMs,
      remaining: this.#tokens,
      unsynced: 0,
      lastSyncAt: Number.NEGATIVE_INFINITY,
      syncing: false,
    };
    // Re-inserted per window, so the entry forgotten first is the oldest window.
    this.#windows.delete(client);
    this.#windows.set(client, window);
    return window;
  }

  /** Sends the unsent count; a failure leaves it unsent (the caller falls back to counting in memory). */
  async #sync(client: string, window: ClientWindow, now: number): Promise<void> {
    const count = window.unsynced;
    window.syncing = true;
    window.lastSyncAt = now;
    try {
      const result = await this.limiter().limit(client, { rate: count });
      window.unsynced -= count;
      // An answer from the next window (the count went to it) says nothing of this one.
      if (result.reset === window.resetAt) window.remaining = result.success ? Math.max(0, result.remaining) : 0;
    } finally {
      window.syncing = false;
    }
  }
}
