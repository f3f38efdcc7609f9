import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../env';
import { dataPointOf, timingsFromServerTiming } from './data-point';
import { localCollectorDataset } from './local-collector-dataset';

/** The dataset name of the METRICS binding in wrangler.toml; the local collector keeps the same name. */
export const METRICS_DATASET = 'edge_api_requests';

/** Where this request's data point goes: the local collector, the METRICS binding, or nowhere. */
function datasetFor(c: Context<AppEnv>): AnalyticsEngineDataset | undefined {
  const collector = c.env.METRICS_LOCAL_COLLECTOR;
  if (!collector) return c.env.METRICS;
  return localCollectorDataset(collector, METRICS_DATASET, (promise) => {
    try {
      c.executionCtx.waitUntil(promise);
    } catch {
      // No execution context (app.fetch without one, in tests): the send still runs.
    }
  });
}

/**
 * Writes one data point per request to Analytics Engine (`METRICS`) once the response is ready.
 * Never awaited and never thrown: without the binding nothing is written and the request is
 * unchanged; a binding that throws loses that point only.
 */
export function requestMetrics(): MiddlewareHandler<AppEnv> {
  return async function requestMetrics(c, next) {
    const started = performance.now();
    await next();
    const dataset = datasetFor(c);
    if (!dataset) return;
    try {
      const headers = c.res.headers;
      const bytes = Number(headers.get('Content-Length'));
      dataset.writeDataPoint(dataPointOf({
        route: routePath(c, -1),
        method: c.req.method,
        status: c.res.status,
        cache: headers.get('X-Cache') ?? '',
        colo: typeof c.req.raw.cf?.colo === 'string' ? c.req.raw.cf.colo : '',
        totalMs: performance.now() - started,
        ...timingsFromServerTiming(headers.get('Server-Timing')),
        bytes: Number.isFinite(bytes) ? bytes : 0,
      }));
    } catch (error) {
      console.warn(JSON.stringify({ level: 'warn', event: 'metrics-write-failed', error: String(error), requestId: c.get('requestId') }));
    }
  };
}
