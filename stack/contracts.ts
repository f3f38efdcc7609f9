// Shapes shared by the local stack's servers, its orchestrator and the tests.

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

/**
 * Fault modes a local endpoint can be switched into through `POST /_stack/fault`,
 * so tests can see how the Worker behaves when a dependency breaks.
 * - `none`: normal service.
 * - `error`: fail at once (HTTP 503, or the WebSocket closed straight away).
 * - `hang`: accept the request and never answer it (until the fault is cleared).
 * - `slow`: run the request, then answer `delayMs` late (at once when the fault changes): the
 *   client that gives up first cannot tell whether it ran.
 * - `drop`: run the request, then send the head and half the body and close the connection.
 *
 * `slow` and `drop` act on HTTP requests (the Neon endpoint's `/sql`, the Upstash commands);
 * WebSocket sessions and Upstash subscriptions are served as usual in those modes.
 */
export type FaultMode = 'none' | 'error' | 'hang' | 'slow' | 'drop';

/** Counters a local endpoint reports at `GET /_stack/stats`; `POST /_stack/reset` zeroes them and clears faults. */
export interface EndpointStats {
  /** HTTP requests served (control routes excluded). */
  requests: number;
  /** Database queries (Neon: statements over HTTP) or Redis commands (Upstash) executed. */
  commands: number;
  /** WebSocket connections opened (Neon only; 0 for Upstash). */
  connections: number;
}

/** A server the stack started; `close()` stops it and frees its port. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** A one-line, actionable failure (port in use, unreachable server...): printed without a stack trace. */
export class StackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackError';
  }
}
