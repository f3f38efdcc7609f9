import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../env';
import { dataPointOf, type RequestFacts, timingsFromServerTiming } from './data-point';
import { queueForLocalCollector } from './local-collector';

/** The dataset name of the METRICS binding in wrangler.toml; the local collector keeps the same name. */
export const METRICS_DATASET = 'edge_api_requests';

function factsOf(c: Context<AppEnv>, started: number): RequestFacts {
  const headers = c.res.headers;
  const bytes = Number(headers.get('Content-Length'));
  const colo = c.req.raw.cf?.colo;
  return {
    route: routePath(c, -1),
    method: c.req.method,
    status: c.res.status,
    cache: headers.get('X-Cache') ?? '',
    colo: typeof colo === 'string' ? colo : '',
    totalMs: performance.now() - started,
    ...timingsFromServerTiming(headers.get('Server-Timing')),
    bytes: Number.isFinite(bytes) ? bytes : 0,
  };
}

function waitUntilOf(c: Context<AppEnv>): (promise: Promise<unknown>) => void {
  return (promise) => {
    try {
      c.executionCtx.waitUntil(promise);
    } catch {
      // No execution context (app.fetch without one, in tests): the send still runs.
    }
  };
}

/**
 * Writes one data point per request to Analytics Engine (`METRICS`) once the response is ready,
 * or to the local collector when `METRICS_LOCAL_COLLECTOR` is set (local-collector.ts). Never
 * awaited and never thrown: without either nothing is written and the request is unchanged; a
 * binding that throws loses that point only.
 */
export function requestMetrics(): MiddlewareHandler<AppEnv> {
  return async function requestMetrics(c, next) {
    const started = performance.now();
    await next();
    const collector = c.env.METRICS_LOCAL_COLLECTOR;
    const dataset: AnalyticsEngineDataset | undefined = c.env.METRICS;
    if (!collector && !dataset) return;
    try {
      const point = dataPointOf(factsOf(c, started));
      if (collector) queueForLocalCollector(collector, METRICS_DATASET, point, waitUntilOf(c));
      else dataset!.writeDataPoint(point);
    } catch (error) {
      console.warn(
        JSON.stringify({
          level: 'warn',
          event: 'metrics-write-failed',
          error: String(error),
          requestId: c.get('requestId'),
        }),
      );
    }
  };
}
