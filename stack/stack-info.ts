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
