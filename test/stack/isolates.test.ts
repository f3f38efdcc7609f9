// stack/isolates.ts (`npm run serve -- --isolates N`): the production bundle, built once, served
// by two copies behind the round-robin entry (and by one, alone), against Neon and Upstash
// endpoints of this file's own (the worker tests switch the shared ones into fault modes) on the
// shared Postgres.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StackError } from '../../stack/contracts';
import { parseIsolateCount, startIsolates, type InspectorAddress, type IsolatesOptions, type RunningIsolates } from '../../stack/isolates';
import { startNeonEndpoint } from '../../stack/neon/server';
import { findFreePort } from '../../stack/ports';
import { buildBundle, readBundleSettings } from '../../stack/production-bundle';
import { startUpstashEndpoint } from '../../stack/upstash/server';

const UPSTASH_TOKEN = 'isolates-test-token';

let outDir: string;
let inspector: InspectorAddress;
const stops: Array<() => Promise<void>> = [];
/** Everything but the count, the port and the inspector. */
let baseOptions: Omit<IsolatesOptions, 'isolates' | 'port'>;
let isolates: RunningIsolates;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'edge-api-bundle-'));
  const [bundlePath, neon, upstash] = await Promise.all([
    buildBundle(outDir),
    startNeonEndpoint({ port: 0, databaseUrl: inject('stack').databaseUrl }),
    startUpstashEndpoint({ port: 0, token: UPSTASH_TOKEN, redisUrl: null }),
  ]);
  stops.push(neon.close, upstash.close);
  const settings = readBundleSettings();
  inspector = { host: '127.0.0.1', port: await findFreePort() };
  baseOptions = {
    bundlePath,
    compatibilityDate: settings.compatibilityDate,
    compatibilityFlags: settings.compatibilityFlags,
    bindings: {
      ...settings.vars,
      DATABASE_URL: inject('stack').databaseUrl,
      NEON_LOCAL_ENDPOINT: neon.url,
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: UPSTASH_TOKEN,
      API_TOKEN: 'isolates-test-api-token',
      LOG_REQUESTS: 'off',
    },
  };
  isolates = await startIsolates({ ...baseOptions, isolates: 2, port: 0, inspector });
  stops.push(isolates.stop);
}, 60_000);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await rm(outDir, { recursive: true, force: true });
});

const get = (pathname: string) => fetch(`${isolates.url}${pathname}`);

/** GETs /health until the copy named `index` has answered, so the next request goes to the other one. */
async function afterIsolate(index: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await get('/health')).headers.get('X-Isolate') === index) return;
  }
  throw new Error(`isolate ${index} never answered`);
}

describe('round robin', () => {
  it('should alternate requests between the two copies, each answering /health', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const response = await get('/health');
      answers.push({ status: response.status, isolate: response.headers.get('X-Isolate') });
    }
    const [first, second] = answers[0]!.isolate === '0' ? ['0', '1'] : ['1', '0'];
    expect(answers).toEqual([first, second, first, second].map((isolate) => ({ status: 200, isolate })));
  });
});

describe('one copy', () => {
  it('should be served straight from its socket, with no X-Isolate to add', async () => {
    const single = await startIsolates({ ...baseOptions, isolates: 1, port: 0 });
    try {
      const response = await fetch(`${single.url}/health`);
      expect(response.status).toBe(200);
      expect(response.headers.has('X-Isolate')).toBe(false);
    } finally {
      await single.stop();
    }
  });
});

describe('module state', () => {
  it('should be per isolate: a memory hit in one copy is not one in the other', async () => {
    await afterIsolate('1');
    const fills = await get('/api/products/1');
    const other = await get('/api/products/1');
    const again = await get('/api/products/1');
    expect([fills, other, again].map((r) => r.headers.get('X-Isolate'))).toEqual(['0', '1', '0']);
    expect(fills.status).toBe(200);
    expect(fills.headers.get('X-Cache')).toBe('MISS');
    // The other copy finds the entry in the shared tier (Upstash), not in its own memory: stored
    // already, or arriving while it waits on the first copy's fill lease.
    expect(other.headers.get('X-Cache')).toBe('HIT');
    expect(other.headers.get('Server-Timing')).toMatch(/desc="HIT (redis|filled-by-peer)"/);
    expect(again.headers.get('X-Cache')).toBe('HIT');
    expect(again.headers.get('Server-Timing')).toContain('desc="HIT memory"');
    expect(await again.json()).toEqual(await other.json());
  });
});

describe('inspector', () => {
  it('should list the copies only, not the entry', async () => {
    const targets = (await (await fetch(`http://${inspector.host}:${inspector.port}/json/list`)).json()) as Array<{ title: string }>;
    expect(targets.map((target) => target.title).sort()).toEqual(['Cloudflare Worker: app-0', 'Cloudflare Worker: app-1']);
  });
});

describe('isolate count', () => {
  it('should accept 1 to 16', () => {
    expect(parseIsolateCount('1')).toBe(1);
    expect(parseIsolateCount('16')).toBe(16);
  });

  it.each(['0', '-1', 'abc', '17', '1.5', ''])('should reject %j in one line', (text) => {
    expect(() => parseIsolateCount(text)).toThrow(StackError);
    expect(() => parseIsolateCount(text)).toThrow(`--isolates ${text} is not a whole number from 1 to 16.`);
  });

  it('should be checked before anything starts', async () => {
    await expect(startIsolates({ ...baseOptions, isolates: 17, port: 0 })).rejects.toThrow('Cannot serve 17 isolates: from 1 to 16.');
  });
});
