import { BoundedMap } from './bounded-map';
import type { Budget } from './budget';

/** What a budget allows this request, and where its window ends (ms since the epoch). */
export interface BudgetDecision {
  allowed: boolean;
  remaining: number;
  resetAt: number;
}

/** Clients remembered at most: past it, the one whose window began first is forgotten. */
const MAX_CLIENTS = 10_000;

/**
 * Fixed windows counted in this isolate alone: the coarse limit that holds while Upstash cannot
 * be asked. Each isolate counts on its own, so a client spread over n isolates gets up to n
 * budgets: an outage is neither a denial of service nor an open door.
 */
export class LocalWindows {
  readonly #windows = new BoundedMap<string, { resetAt: number; used: number }>(MAX_CLIENTS);

  take(budget: Budget, client: string, now = Date.now()): BudgetDecision {
    const key = `${budget.name}\n${client}`;
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      // Re-inserted at each new window, so the oldest entry, the one forgotten first, is the
      // window that began first: O(1), whatever a flood of new clients does.
      this.#windows.delete(key);
      window = { resetAt: (Math.floor(now / budget.windowMs) + 1) * budget.windowMs, used: 0 };
      this.#windows.set(key, window);
    }
    window.used += 1;
    return {
      allowed: window.used <= budget.tokens,
      remaining: Math.max(0, budget.tokens - window.used),
      resetAt: window.resetAt,
    };
  }
}
