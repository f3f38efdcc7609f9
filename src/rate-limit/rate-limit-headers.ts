import type { Budget } from './budget';
import type { BudgetDecision } from './local-windows';

/**
 * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers-10): the policy (`q` requests
 * per `w` seconds) and what is left of it (`r` requests, `t` seconds until the window resets).
 */
export function rateLimitHeaders(budget: Budget, decision: BudgetDecision, now = Date.now()): Record<string, string> {
  return {
    'RateLimit-Policy': `"${budget.name}";q=${budget.tokens};w=${budget.windowMs / 1000}`,
    RateLimit: `"${budget.name}";r=${decision.remaining};t=${secondsUntil(decision.resetAt, now)}`,
  };
}

/** Whole seconds until `at`, at least 1: a client told 0 would retry at once. */
export function secondsUntil(at: number, now = Date.now()): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
