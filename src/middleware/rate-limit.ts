import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { problemResponse } from '../http/problem';
import type { BudgetName } from '../rate-limit/budget';
import { clientAddress } from '../rate-limit/client-address';
import { ClientRateLimiter } from '../rate-limit/client-rate-limiter';
import { rateLimitHeaders, secondsUntil } from '../rate-limit/rate-limit-headers';
import { rateLimitSettingsFrom } from '../rate-limit/rate-limit-settings';
import { redisClient } from '../upstash';
import { carriesApiToken } from './require-api-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Which budget a request spends. A read with the API token goes to the database whatever the
 * cache holds (the cache lets token holders refresh and bypass it), so it is a forced read; a
 * read with any other Authorization is answered from the cache like an anonymous one.
 */
function budgetNameOf(c: Context<AppEnv>): BudgetName | Promise<BudgetName> {
  if (!SAFE_METHODS.has(c.req.method)) return 'writes';
  // Synchronous for the common read without Authorization: the hot path awaits nothing here.
  if (c.req.header('Authorization') === undefined) return 'reads';
  return carriesApiToken(c).then((forced) => (forced ? 'forced' : 'reads'));
}

/** The isolate's limiter, made on the first request (its budgets come from env, fixed per isolate). */
let isolateLimiter: ClientRateLimiter | undefined;

/**
 * Per-client budgets (reads, writes, forced reads) counted in Upstash: over budget, a 429
 * problem+json with `Retry-After`; every answer carries the IETF `RateLimit` and
 * `RateLimit-Policy` fields. Pass a limiter to use your own (tests do, standing for an isolate).
 */
export function rateLimit(limiter?: ClientRateLimiter): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const client = clientAddress(c.req.raw);
    if (client === undefined) return next();
    const isolate = limiter ?? (isolateLimiter ??= new ClientRateLimiter(rateLimitSettingsFrom(c.env)));
    const name = budgetNameOf(c);
    const budget = isolate.budget(typeof name === 'string' ? name : await name);
    if (!budget) return next();
    const decision = await isolate.take(
      budget,
      client,
      () => redisClient(c.env, isolate.timeoutMs),
      (promise) => c.executionCtx.waitUntil(promise),
    );
    const headers = rateLimitHeaders(budget, decision);
    if (!decision.allowed) {
      const retryAfter = secondsUntil(decision.resetAt);
      return problemResponse(
        c,
        429,
        'Too Many Requests',
        {
          detail: `This client is over its ${budget.name} budget (${budget.tokens} per ${budget.windowMs / 1000} s); retry in ${retryAfter} s.`,
        },
        { ...headers, 'Retry-After': String(retryAfter), 'Cache-Control': 'no-store' },
      );
    }
    await next();
    const responseHeaders = c.res.headers;
    for (const name in headers) responseHeaders.set(name, headers[name]!);
  };
}
