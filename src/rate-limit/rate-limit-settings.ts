import { edgeCacheSettingsFrom } from '../cache';
import { type Budget, type BudgetName, parseBudget } from './budget';
import type { RateLimitSettings } from './client-rate-limiter';

type RateLimitVars = Partial<
  Pick<Env, 'CACHE_NAMESPACE' | 'CACHE_TIMEOUT_MS' | 'RATE_LIMIT_READS' | 'RATE_LIMIT_WRITES' | 'RATE_LIMIT_FORCED'>
>;

/** Used when a var is unset or unreadable; README "Limits and failure behaviour" explains them. */
export const DEFAULT_BUDGETS: Readonly<Record<BudgetName, string>> = {
  reads: '600 per 10s',
  writes: '300 per 1m',
  forced: '60 per 1m',
};

const VARS = { reads: 'RATE_LIMIT_READS', writes: 'RATE_LIMIT_WRITES', forced: 'RATE_LIMIT_FORCED' } as const;

/** The budgets from the Worker's vars. A bad value is reported once and its default used: a typo must not turn limits off. */
export function rateLimitSettingsFrom(
  env: RateLimitVars,
  report: (message: string) => void = console.error,
): RateLimitSettings {
  const budgets: Partial<Record<BudgetName, Budget>> = {};
  for (const name of Object.keys(VARS) as BudgetName[]) {
    const text = env[VARS[name]] || DEFAULT_BUDGETS[name];
    let budget: Budget | undefined;
    try {
      budget = parseBudget(name, text);
    } catch (error) {
      report(`${VARS[name]}: ${(error as Error).message} Using "${DEFAULT_BUDGETS[name]}".`);
      budget = parseBudget(name, DEFAULT_BUDGETS[name]);
    }
    if (budget) budgets[name] = budget;
  }
  // The cache's Upstash timeout and namespace (the cache reports a bad value of either).
  const { namespace, timeoutMs } = edgeCacheSettingsFrom(env, () => {});
  return { prefix: namespace, timeoutMs, budgets };
}
