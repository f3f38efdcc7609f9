// stack/isolates.ts (`npm run serve -- --isolates N`): the production bundle, built once, served
// by two workerd processes on one port (and by one, alone), against Neon and Upstash endpoints of
// this file's own (the worker tests switch the shared ones into fault modes) on the shared Postgres.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../stack/endpoint-kit';
import {
  type InspectorAddress,
  type IsolatesOptions,
  parseIsolateCount,
  type RunningIsolates,
  startIsolates,
} from '../../stack/isolates';
import { startNeonEndpoint } from '../../stack/neon/server';
import { buildBundle, readBundleSettings } from '../../stack/production-bundle';
import { StackError } from '../../stack/stack-error';
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

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One GET over `agent`'s connection (a new one each time with `agent: false`). */
function get(pathname: string, agent: http.Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(`${isolates.url}${pathname}`, { agent }, (response) => {
        let body = '';
        response
          .setEncoding('utf8')
          .on('data', (chunk: string) => (body += chunk))
          .on('end', () => {
            resolve({ status: response.statusCode!, headers: response.headers, body });
          });
      })
      .on('error', reject);
  });
}

/**
 * A kept-alive connection that the copy named `index` accepted: the kernel places each new
 * connection on one copy and it stays there, so every request over it reaches that copy.
 */
async function connectionTo(index: string): Promise<http.Agent> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    if ((await get('/health', agent)).headers['x-isolate'] === index) return agent;
    agent.destroy();
  }
  throw new Error(`isolate ${index} never accepted a connection`);
}

describe('one port, several copies', () => {
  it('should spread new connections over both copies, each answering /health with its X-Isolate', async () => {
    const answers = await Promise.all(Array.from({ length: 32 }, () => get('/health')));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.headers['x-isolate']))).toEqual(new Set(['0', '1']));
  });

  it('should keep a connection with the copy that accepted it', async () => {
    const agent = await connectionTo('1');
    const answers = await Promise.all([1, 2, 3].map(() => get('/health', agent)));
    agent.destroy();
    expect(answers.map((answer) => answer.headers['x-isolate'])).toEqual(['1', '1', '1']);
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

  it('should say in one line that the port is taken', async () => {
    const port = Number(new URL(isolates.url).port);
    await expect(startIsolates({ ...baseOptions, isolates: 1, port })).rejects.toThrow(
      `127.0.0.1:${port} is already in use.`,
    );
  });
});

describe('module state', () => {
  it('should be per isolate: a memory hit in one copy is not one in the other', async () => {
    const [first, second] = [await connectionTo('0'), await connectionTo('1')];
    try {
      const fills = await get('/api/products/1', first);
      const other = await get('/api/products/1', second);
      const again = await get('/api/products/1', first);
      expect([fills, other, again].map((r) => r.headers['x-isolate'])).toEqual(['0', '1', '0']);
      expect(fills.status).toBe(200);
      expect(fills.headers['x-cache']).toBe('MISS');
      // The other copy finds the entry in the shared tier (Upstash), not in its own memory: stored
      // already, or arriving while it waits on the first copy's fill lease.
      expect(other.headers['x-cache']).toBe('HIT');
      expect(other.headers['server-timing']).toMatch(/desc="HIT (redis|filled-by-peer)"/);
      expect(again.headers['x-cache']).toBe('HIT');
      expect(again.headers['server-timing']).toContain('desc="HIT memory"');
      expect(JSON.parse(again.body)).toEqual(JSON.parse(other.body));
    } finally {
      first.destroy();
      second.destroy();
    }
  });
});

describe('inspector', () => {
  it('should open on the first copy', async () => {
    const targets = (await (await fetch(`http://${inspector.host}:${inspector.port}/json/list`)).json()) as Array<{
      title: string;
    }>;
    expect(targets.map((target) => target.title)).toEqual(['workerd: worker main']);
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
    await expect(startIsolates({ ...baseOptions, isolates: 17, port: 0 })).rejects.toThrow(
      'Cannot serve 17 isolates: from 1 to 16.',
    );
  });
});
