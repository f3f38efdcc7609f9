import { neon } from '@neondatabase/serverless';
import { Hono } from 'hono';
import { createRedis } from '../cache/redis';
import { useLocalNeonEndpoint } from '../db/neon-local';
import type { AppEnv } from '../env';
import { problemResponse } from '../http/problem';

/** How long each readiness probe may take. */
const PROBE_TIMEOUT_MS = 2000;

interface DependencyCheck {
  status: 'ok' | 'error';
  latencyMs: number;
  error?: string;
}

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

/** Liveness (`/health`, no I/O) and readiness (`/ready`, both dependencies through the real clients). */
export const healthRoute = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ status: 'ok' }))
  .get('/ready', async (c) => {
    useLocalNeonEndpoint(c.env.NEON_LOCAL_ENDPOINT);
    const sql = neon(c.env.DATABASE_URL, { fetchOptions: { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) } });
    const redis = createRedis(c.env, PROBE_TIMEOUT_MS);
    const [postgres, upstash] = await Promise.all([timed(() => sql`select 1`), timed(() => redis.ping())]);
    const checks = { postgres, redis: upstash };
    c.header('Cache-Control', 'no-store');
    const failed = Object.entries(checks).filter(([, check]) => check.status === 'error').map(([name]) => name);
    if (failed.length === 0) return c.json({ status: 'ok', checks });
    return problemResponse(c, 503, 'Service Unavailable', {
      detail: `Not ready: ${failed.join(' and ')} ${failed.length > 1 ? 'are' : 'is'} unavailable.`,
      checks,
    }, { 'Retry-After': '5' });
  });
