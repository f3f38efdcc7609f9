// The METRICS binding locally: wrangler dev, Miniflare and workerd drop Analytics Engine writes,
// so the local stack runs a collector (stack/metrics) and the Worker sends it the same data
// points, stamped with their time. Points wait in the isolate as plain data and go out in one
// POST per second (or per MAX_BATCH points), made by the request that adds the first point of a
// batch: no request's I/O serves another request, and a load test adds one subrequest a second.

const MAX_BATCH = 500;
const FLUSH_AFTER_MS = 1000;

interface StampedPoint extends AnalyticsEngineDataPoint {
  timestamp: number;
}

/** Points of this isolate not yet sent, per collector URL. */
const pending = new Map<string, { points: StampedPoint[]; flushScheduled: boolean }>();
let lastFailureReport = 0;

/**
 * Queues a point for the local collector at `collectorUrl`, dataset `dataset`; `waitUntil` keeps
 * the request that schedules a send alive until the send is done.
 */
export function queueForLocalCollector(
  collectorUrl: string,
  dataset: string,
  point: AnalyticsEngineDataPoint,
  waitUntil: (promise: Promise<unknown>) => void,
): void {
  const key = `${collectorUrl}\n${dataset}`;
  let batch = pending.get(key);
  if (!batch) pending.set(key, (batch = { points: [], flushScheduled: false }));
  (point as StampedPoint).timestamp = Date.now();
  batch.points.push(point as StampedPoint);
  if (batch.points.length >= MAX_BATCH) return waitUntil(send(collectorUrl, dataset, batch.points.splice(0)));
  if (batch.flushScheduled) return;
  batch.flushScheduled = true;
  const scheduled = batch;
  waitUntil(
    new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(() => {
      scheduled.flushScheduled = false;
      return send(collectorUrl, dataset, scheduled.points.splice(0));
    }),
  );
}

async function send(collectorUrl: string, dataset: string, points: StampedPoint[]): Promise<void> {
  if (points.length === 0) return;
  try {
    const response = await fetch(new URL('/write', collectorUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataset, points }),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await response.body?.cancel();
  } catch (error) {
    // Metrics are best effort: a stopped collector must not fill the log, once a minute is enough.
    if (Date.now() - lastFailureReport < 60_000) return;
    lastFailureReport = Date.now();
    console.warn(
      JSON.stringify({ level: 'warn', event: 'metrics-dropped', points: points.length, error: String(error) }),
    );
  }
}
