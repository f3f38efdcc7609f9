import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';

const HEADER = 'X-Request-Id';
const MAX_LENGTH = 128;

/**
 * Hono's `requestId()` (a caller's `X-Request-Id` of word characters, `-` and `=` up to 128
 * long, or a new UUID, as `c.var.requestId`), with the header set on the final response after
 * the handler instead of prepared before it: a cache hit then builds its response in one go
 * from prebuilt headers (cache-layer.ts), with nothing prepared to merge in.
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestId(c, next) {
    const given = c.req.header(HEADER);
    const id = given && given.length <= MAX_LENGTH && !/[^\w\-=]/.test(given) ? given : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    try {
      c.res.headers.set(HEADER, id);
    } catch {
      // Immutable headers (a fetched response passed through): copy it once.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set(HEADER, id);
    }
  };
}
