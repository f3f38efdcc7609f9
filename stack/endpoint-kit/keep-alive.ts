import type { Server } from 'node:http';

/**
 * How long the local endpoints keep an idle client connection: minutes, as Neon's and Upstash's
 * front ends do, not Node's 5 s. With Node's default, a Worker's pooled connection that sat idle
 * for 5 s (common with several isolates, each with a share of the traffic) could be closed by
 * the endpoint just as the Worker sent a call on it.
 */
const IDLE_CONNECTION_MS = 5 * 60_000;

export function keepConnectionsOpen<T extends Server>(server: T): T {
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  // Above keepAliveTimeout, so a kept connection's next request is not cut off by the headers timer.
  server.headersTimeout = IDLE_CONNECTION_MS + 1000;
  return server;
}
