import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../env';

/**
 * One structured JSON line per request. It names the route pattern, not the URL, so
 * query strings (which may carry cursors or search text) stay out of the logs.
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    if (c.env.LOG_REQUESTS === 'off') return next();
    const started = performance.now();
    await next();
    console.log(
      JSON.stringify({
        method: c.req.method,
        route: routePath(c, -1),
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        requestId: c.get('requestId'),
      }),
    );
  };
}
