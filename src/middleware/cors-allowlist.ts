import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../env';

const EXPOSED = ['X-Request-Id', 'X-Cache', 'Cache-Status', 'Server-Timing', 'ETag', 'Location'];

/**
 * CORS for the origins listed in `CORS_ORIGINS` (comma-separated); none, the default, means no
 * CORS headers at all. The middleware is built once per distinct list, not per request.
 */
export function corsFromAllowlist(): MiddlewareHandler<AppEnv> {
  let builtFor: string | undefined;
  let middleware: MiddlewareHandler | undefined;
  return async function corsFromAllowlist(c, next) {
    const list = c.env.CORS_ORIGINS ?? '';
    if (list !== builtFor) {
      const origins = list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean);
      middleware = origins.length ? cors({ origin: origins, exposeHeaders: EXPOSED }) : undefined;
      builtFor = list;
    }
    return middleware ? middleware(c, next) : next();
  };
}
