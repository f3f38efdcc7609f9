// `npm run dev` as a newcomer runs it: the stack, then wrangler dev (whose entry Worker plays
// Cloudflare's edge), on ports of its own and a settings file of its own, so a developer's own
// `npm run dev` and .dev.vars are left alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A GET with exactly these headers (fetch would add Accept-Encoding by itself). */
function head(url: string): Promise<{ status: number }> {
  return fetch(url, { method: 'HEAD' }).then((response) => ({ status: response.status }));
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

let dev: ChildProcess | undefined;
let baseUrl = '';
let metricsUrl = '';
let output = '';
const settingsDir = mkdtempSync(path.join(os.tmpdir(), 'edge-api-dev-'));

beforeAll(async () => {
  const [port, neonPort, upstashPort, metricsPort, inspectorPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  baseUrl = `http://127.0.0.1:${port}`;
  dev = spawn('npm', ['run', 'dev', '--', '--port', String(port), '--inspector-port', String(inspectorPort)], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // The test stack's Postgres (migrated and seeded), the in-memory Redis backend.
      DATABASE_URL: inject('stack').databaseUrl,
      REDIS_URL: '',
      NEON_PORT: String(neonPort),
      UPSTASH_PORT: String(upstashPort),
      METRICS_PORT: String(metricsPort),
      DEV_VARS_FILE: path.join(settingsDir, 'dev.vars'),
    },
  });
  for (const stream of [dev.stdout!, dev.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited (${dev.exitCode}):\n${output}`);
    if (
      await get(`${baseUrl}/health`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`npm run dev did not answer within 60 s:\n${output}`);
}, 70_000);

afterAll(async () => {
  if (dev?.pid && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once('exit', resolve));
    process.kill(-dev.pid, 'SIGTERM');
    await exited;
  }
  rmSync(settingsDir, { recursive: true, force: true });
}, 30_000);

describe('npm run dev', () => {
  it('sends plain JSON to a client that sends no Accept-Encoding (curl)', async () => {
    const response = await get(`${baseUrl}/api/products?limit=5`);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(response.body.toString('utf8')).items).toHaveLength(5);
  });

  it('compresses for a client that accepts gzip, as the edge does', async () => {
    const response = await get(`${baseUrl}/api/products?limit=5`, { 'Accept-Encoding': 'gzip' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(response.body).toString('utf8')).items).toHaveLength(5);
  });

  it('serves /docs with no unpinned third-party script', async () => {
    const page = (await get(`${baseUrl}/docs`)).body.toString('utf8');
    const scripts = [...page.matchAll(/<script\b[^>]*\bsrc="(https?:\/\/[^"]+)"[^>]*>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [element, url] of scripts) {
      expect(url).toMatch(/@\d+\.\d+\.\d+\//);
      expect(element).toMatch(/\bintegrity="sha384-/);
    }
  });

  it('sends a data point per request to the local metrics collector, queryable with the Analytics Engine SQL', async () => {
    const startedAt = new Date(Date.now() - 1000).toISOString().slice(0, 19).replace('T', ' ');
    for (let i = 0; i < 3; i++) expect((await head(`${baseUrl}/api/categories`)).status).toBe(200);
    const sql = `SELECT SUM(_sample_interval) AS requests FROM edge_api_requests
      WHERE blob1 = '/api/categories' AND blob2 = 'HEAD' AND timestamp >= toDateTime('${startedAt}') FORMAT JSON`;
    let requests = 0;
    // Points leave the Worker within a second, in one batch.
    for (const deadline = Date.now() + 10_000; requests < 3 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const response = await fetch(`${metricsUrl}/accounts/local/analytics_engine/sql`, { method: 'POST', body: sql });
      requests = Number(
        ((await response.json()) as { data: Array<{ requests: number | null }> }).data[0]?.requests ?? 0,
      );
    }
    expect(requests).toBe(3);
  });
});
