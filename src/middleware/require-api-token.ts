import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { problemResponse } from '../http/problem';

const encoder = new TextEncoder();
const sha256 = (text: string) => crypto.subtle.digest('SHA-256', encoder.encode(text));

/** Constant-time comparison of equal-length digests, so neither length nor prefix leaks. */
async function tokensMatch(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Whether the request carries `Authorization: Bearer <API_TOKEN>` (never, when no API_TOKEN is configured). */
export async function carriesApiToken(c: Context<AppEnv>): Promise<boolean> {
  const expected = c.env.API_TOKEN;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '');
  return Boolean(expected && match && (await tokensMatch(match[1]!, expected)));
}

/**
 * `Authorization: Bearer <API_TOKEN>` on writes. Fails closed: without a configured
 * API_TOKEN no write is accepted, whatever the request carries.
 */
export function requireApiToken(): MiddlewareHandler<AppEnv> {
  return async function requireApiToken(c, next) {
    const expected = c.env.API_TOKEN;
    if (!expected) {
      return problemResponse(c, 503, 'Service Unavailable', {
        detail: 'Writes are disabled: API_TOKEN is not configured on the server.',
      });
    }
    if (!(await carriesApiToken(c))) {
      return problemResponse(
        c,
        401,
        'Unauthorized',
        { detail: 'A valid "Authorization: Bearer <API_TOKEN>" header is required.' },
        { 'WWW-Authenticate': 'Bearer realm="edge-api"' },
      );
    }
    await next();
  };
}
