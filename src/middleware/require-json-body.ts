import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { problemResponse } from '../http/problem';

/** Write bodies must be JSON: without this, the validator would read another media type as `{}`. */
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async function requireJsonBody(c, next) {
    const mediaType = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      return problemResponse(c, 415, 'Unsupported Media Type', { detail: 'Send the body as application/json.' });
    }
    await next();
  };
}
