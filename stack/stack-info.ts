// What a running local stack exposes to its callers: the orchestrator builds it, the tests read it.
// No imports: the Worker tests' tsconfig (workerd types, no Node) includes this file.

/** What a running local stack exposes; the test global setup provides it as `inject('stack')`. */
export interface StackInfo {
  /** Direct TCP connection string of the Postgres behind the Neon endpoint. */
  databaseUrl: string;
  /** Base URL of the Neon-compatible endpoint (HTTP `POST /sql`, WebSocket `/v2`). */
  neonEndpoint: string;
  /** Base URL of the Upstash-compatible REST endpoint. */
  upstashUrl: string;
  upstashToken: string;
  /** The real Redis behind the Upstash endpoint, or null when the in-memory backend serves it. */
  redisUrl: string | null;
  /** Dev bearer token for the API's write routes. */
  apiToken: string;
  /** Base URL of the local metrics collector (the Worker's METRICS points; the Analytics Engine SQL API's shape). */
  metricsCollector: string;
}

/** The Worker vars that point a Worker at the stack (and give it the stack's API token). */
export function workerVarsOf(info: StackInfo) {
  return {
    DATABASE_URL: info.databaseUrl,
    NEON_LOCAL_ENDPOINT: info.neonEndpoint,
    UPSTASH_REDIS_REST_URL: info.upstashUrl,
    UPSTASH_REDIS_REST_TOKEN: info.upstashToken,
    API_TOKEN: info.apiToken,
    METRICS_LOCAL_COLLECTOR: info.metricsCollector,
  };
}
