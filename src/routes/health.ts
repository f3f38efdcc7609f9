import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { TypedResponse } from 'hono';
import type { AppEnv } from '../env';
import { PROBLEM_CONTENT_TYPE } from '../http/problem';
import { SECURITY_HEADERS, secured } from '../http/security-headers';
import { documentedBody, onFirstUse } from '../schemas/documented-body';
import { problemSchema } from '../schemas/problem';
import { z } from '../schemas/zod';
import { redisClient } from '../upstash';

/** How long each readiness probe may take. */
const PROBE_TIMEOUT_MS = 2000;

// Response schemas: built on first use (`../schemas/documented-body`).
const dependencyCheckSchema = onFirstUse(() =>
  z
    .object({
      status: z.enum(['ok', 'error']),
      latencyMs: z.number().int(),
      error: z.string().optional(),
    })
    .openapi('DependencyCheck'),
);
const checksSchema = onFirstUse(() => z.object({ postgres: dependencyCheckSchema(), redis: dependencyCheckSchema() }));

type DependencyCheck = z.infer<ReturnType<typeof dependencyCheckSchema>>;

async function timed(probe: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await probe();
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // The error's class and a generic reason only: driver messages can carry hostnames.
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable or failing';
    return { status: 'error', latencyMs: Math.round(performance.now() - started), error: reason };
  }
}

let aliveHeaders: Headers | undefined;

/** Liveness is a constant answer: bytes on headers made once per isolate, security headers included. */
function alive(): TypedResponse<{ status: 'ok' }, 200, 'json'> {
  if (!aliveHeaders) {
    aliveHeaders = new Headers(SECURITY_HEADERS);
    aliveHeaders.set('Content-Type', 'application/json');
  }
  const response = secured(new Response('{"status":"ok"}', { status: 200, headers: aliveHeaders }));
  // The JSON `c.json({ status: 'ok' }, 200)` would send, typed as such for the route's contract.
  return response as unknown as TypedResponse<{ status: 'ok' }, 200, 'json'>;
}

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'Liveness: answers without any I/O',
  responses: {
    200: {
      description: 'Alive',
      content: documentedBody('application/json', () => z.object({ status: z.literal('ok') })),
    },
  },
});
const ready = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['operations'],
  summary: 'Readiness: Postgres and Redis through the real clients',
  responses: {
    200: {
      description: 'Both dependencies answer',
      content: documentedBody('application/json', () => z.object({ status: z.literal('ok'), checks: checksSchema() })),
    },
    503: {
      description: 'A dependency failed (named in detail)',
      content: documentedBody('application/problem+json', () => problemSchema().extend({ checks: checksSchema() })),
    },
  },
});

/** Liveness (`/health`, no I/O) and readiness (`/ready`, both dependencies through the real clients). */
export const healthRoute = new OpenAPIHono<AppEnv>().openapi(health, alive).openapi(ready, async (c) => {
  // Imported before the clock starts: the first import evaluates Neon's driver.
  const { postgresProbe } = await import('./postgres-probe');
  const selectOne = postgresProbe(c.env, PROBE_TIMEOUT_MS);
  const redis = redisClient(c.env, PROBE_TIMEOUT_MS);
  const [postgres, upstash] = await Promise.all([timed(selectOne), timed(() => redis.ping())]);
  const checks = { postgres, redis: upstash };
  c.header('Cache-Control', 'no-store');
  const failed = Object.entries(checks)
    .filter(([, check]) => check.status === 'error')
    .map(([name]) => name);
  if (failed.length === 0) return c.json({ status: 'ok' as const, checks }, 200);
  const problem = {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    instance: '/ready',
    checks,
    detail: `Not ready: ${failed.join(' and ')} ${failed.length > 1 ? 'are' : 'is'} unavailable.`,
  };
  return c.json(problem, 503, { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Retry-After': '5' });
});
