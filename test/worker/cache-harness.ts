import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import { createApp } from '../../src/app';
import { EdgeCache, type EdgeCacheSettings } from '../../src/cache';
import type { DatabaseVars } from '../../src/db/client';
import type { EndpointStats } from '../../stack/endpoint-kit/endpoint-types';
import { stack } from './api-client';

/**
 * An app with its own EdgeCache, standing for one isolate: tests make several to see what
 * crosses isolates. Every harness of one test shares a fresh key namespace.
 */
export function isolate(
  namespace: string,
  settings: Partial<EdgeCacheSettings> = {},
  vars: Partial<Env & DatabaseVars> = {},
) {
  const cache = new EdgeCache({ namespace, ...settings });
  const app = createApp({ cache });
  // No metrics: fetch() waits for background work, and a data point's send waits up to a second for its batch.
  const bindings = { ...env, METRICS_LOCAL_COLLECTOR: '', ...vars };
  return {
    cache,
    /** One request; resolves after its background work (cache writes, revalidation) has finished too. */
    async fetch(path: string, init?: RequestInit): Promise<Response> {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request(`http://edge-api.test${path}`, init), bindings, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
  };
}

/** A namespace of its own inside the run's, so the run's cleanup deletes its keys too. */
export const freshNamespace = () => `${inject('cacheNamespace')}:${crypto.randomUUID()}`;

async function control(endpoint: string, path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(`${endpoint}/_stack/${path}`, init);
  if (!response.ok) throw new Error(`${endpoint}/_stack/${path} answered ${response.status}`);
  return response;
}

/** Zeroes both endpoints' counters (and clears their faults). */
export async function resetCounters(): Promise<void> {
  await Promise.all(
    [stack.neonEndpoint, stack.upstashUrl].map((endpoint) => control(endpoint, 'reset', { method: 'POST' })),
  );
}

/** SQL statements run over HTTP and Upstash requests since the last reset. */
export async function counts(): Promise<{ db: EndpointStats; redis: EndpointStats }> {
  const [db, redis] = await Promise.all(
    [stack.neonEndpoint, stack.upstashUrl].map(async (endpoint) =>
      (await control(endpoint, 'stats')).json<EndpointStats>(),
    ),
  );
  return { db: db!, redis: redis! };
}

/** Settings for an isolate without the memory tier, so every lookup goes to Upstash. */
export const noMemory: Partial<EdgeCacheSettings> = { memoryMaxStalenessMs: 0 };
