import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const request = (path: string) => exports.default.fetch(`http://edge-api.test${path}`);

describe('GET /health', () => {
  it('answers 200 ok', async () => {
    const response = await request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /ready', () => {
  it('reports Postgres and Redis as ok with latencies', async () => {
    const response = await request('/ready');
    const body = await response.json<{
      status: string;
      checks: Record<string, { status: string; latencyMs: number }>;
    }>();
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks.postgres?.status).toBe('ok');
    expect(body.checks.redis?.status).toBe('ok');
    expect(body.checks.postgres?.latencyMs).toBeGreaterThanOrEqual(0);
  });
});
