// A local stand-in for Neon: SQL over HTTP (`neon()`) and Postgres over WebSocket (`Pool`, `Client`)
// in front of a real Postgres, so the Worker runs its production driver code unchanged.
import { createServer } from 'node:http';
import {
  EndpointState,
  type EndpointStats,
  handleControlRequest,
  isControlPath,
  keepConnectionsOpen,
  listen,
  type RunningServer,
  refusalReason,
  sendJson,
} from '../endpoint-kit';
import { parseDatabaseAddress } from './database-address';
import { createSqlOverHttp } from './sql-over-http';
import { createWebSocketProxy } from './websocket-proxy';

export interface NeonEndpointOptions {
  /** Port to listen on; `0` picks a free one (read it back from `url`). Required. */
  port: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * TCP connection string of the Postgres the endpoint fronts. Required. Clients must name its
   * host:port; their credentials and database are used as given.
   */
  databaseUrl: string;
}

/**
 * Starts the Neon-compatible endpoint:
 * - `POST /sql`: what `neon()` and `drizzle-orm/neon-http` send;
 * - WebSocket `/v2?address=host:port`: what `Pool`, `Client` and `drizzle-orm/neon-serverless` open;
 * - `/_stack/stats`, `/_stack/reset`, `/_stack/fault`: counters and fault injection for tests.
 *
 * Rejects with a `StackError` when the port is taken or `databaseUrl` is not a Postgres URL.
 */
export async function startNeonEndpoint(
  options: NeonEndpointOptions,
): Promise<RunningServer & { stats(): EndpointStats }> {
  const host = options.host ?? '127.0.0.1';
  const database = parseDatabaseAddress(options.databaseUrl);
  const state = new EndpointState();
  const sql = createSqlOverHttp(database, state);
  const proxy = createWebSocketProxy(database, state);

  const server = keepConnectionsOpen(
    createServer((request, response) => {
      const refused = refusalReason(request);
      if (refused) return sendJson(response, 403, { message: refused });
      const { pathname } = new URL(request.url ?? '/', 'http://endpoint');
      if (pathname === '/sql') return void sql.handle(request, response);
      if (isControlPath(pathname)) return void handleControlRequest(request, response, pathname, state);
      sendJson(response, 404, { message: `no route ${pathname}: use POST /sql or a WebSocket to /v2` });
    }),
  );
  server.on('upgrade', (request, socket, head) => {
    const refused = refusalReason(request);
    if (!refused) return proxy.handleUpgrade(request, socket, head);
    socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refused}\n`);
  });
  const url = await listen(server, options.port, host, 'NEON_PORT');

  let closing: Promise<void> | undefined;
  return {
    url,
    stats: () => state.stats(),
    close: () => (closing ??= shutdown()),
  };

  async function shutdown(): Promise<void> {
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    state.releaseHeld();
    proxy.close();
    server.closeAllConnections();
    await Promise.all([serverClosed, sql.close()]);
  }
}
