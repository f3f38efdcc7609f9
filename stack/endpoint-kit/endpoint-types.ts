// Shapes of the local endpoints' test controls (`/_stack/*`), shared by the endpoints and the tests.
// No imports: the Worker tests' tsconfig (workerd types, no Node) includes this file.

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
export const FAULT_MODES = ['none', 'error', 'hang', 'slow', 'drop'] as const;

/** One of `FAULT_MODES`. */
export type FaultMode = (typeof FAULT_MODES)[number];

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
