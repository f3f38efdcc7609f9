// WebSocket to TCP, as Neon's wsproxy: what `Pool` / `Client` from @neondatabase/serverless open.
// Binary frames carry raw Postgres wire-protocol bytes both ways, with no framing of their own and
// no TLS (the driver skips SSLRequest). As on Neon, the client is asked for a cleartext password
// and the proxy authenticates to Postgres itself (password-handshake.ts), so the driver's default
// `pipelineConnect: 'password'` works; after that, bytes pass through untouched.
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { EndpointState } from '../endpoint-kit';
import type { DatabaseAddress } from './database-address';
import { addressOf, formatAddress, isSameAddress, parsePostgresUrl } from './database-address';
import { PasswordHandshake } from './password-handshake';

// Close codes, RFC 6455 §7.4.1.
const NORMAL_CLOSURE = 1000;
const UNSUPPORTED_DATA = 1003;
const INTERNAL_ERROR = 1011;

export interface WebSocketProxy {
  /** Listener for the HTTP server's `upgrade` event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Drops every WebSocket and its Postgres connection. */
  close(): void;
}

interface Refusal {
  status: number;
  message: string;
}

/** Pipes each accepted WebSocket to its own TCP connection to `database`. */
export function createWebSocketProxy(database: DatabaseAddress, state: EndpointState): WebSocketProxy {
  // noServer: the HTTP server owns the port and hands over an upgrade once its address is vetted.
  const server = new WebSocketServer({ noServer: true });
  const upstreams = new Set<net.Socket>();

  function pipe(ws: WebSocket): void {
    const upstream = net.connect(database.port, database.host);
    upstreams.add(upstream);
    upstream.setNoDelay(true);
    const handshake = new PasswordHandshake({
      toClient: (bytes) => ws.send(bytes),
      toServer: (bytes) => upstream.write(bytes),
      fail: () => upstream.destroy(),
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return ws.close(UNSUPPORTED_DATA, 'binary frames only');
      // With the default binaryType ('nodebuffer') each message is a single Buffer.
      handshake.fromClient(data as Buffer);
    });
    upstream.on('data', (chunk) => handshake.fromServer(chunk));
    // end(), not destroy(): the driver's last message (Terminate) may still be on its way out.
    ws.on('close', () => upstream.end());
    upstream.on('error', () => {}); // 'close' follows, with hadError set
    upstream.on('close', (hadError) => {
      upstreams.delete(upstream);
      if (hadError) ws.close(INTERNAL_ERROR, 'database connection failed');
      else ws.close(NORMAL_CLOSURE);
    });
  }

  function accept(ws: WebSocket): void {
    state.count('connections');
    ws.on('error', () => {}); // a protocol error is followed by 'close', which tears the pair down
    switch (state.fault.mode) {
      case 'error':
        return ws.close(INTERNAL_ERROR, 'fault injected: error');
      case 'hang':
        ws.once(
          'close',
          state.holdHanging(() => ws.terminate()),
        );
        return;
      // `slow` and `drop` act on SQL over HTTP; a session is served as usual.
      case 'none':
      case 'slow':
      case 'drop':
        return pipe(ws);
    }
  }

  return {
    handleUpgrade(request, socket, head) {
      const refusal = refusalFor(request.url ?? '/', database);
      if (refusal === undefined) server.handleUpgrade(request, socket, head, accept);
      else refuse(socket, refusal);
    },
    close() {
      for (const ws of server.clients) ws.terminate();
      for (const upstream of upstreams) upstream.destroy();
      server.close();
    },
  };
}

/**
 * Accepts `/v2` and `/` with no address, as Neon's own endpoints are reached (the proxy knows
 * its database), and with `?address=host:port`: the URL the driver builds from a string
 * `wsProxy`. Only the fronted database may be named.
 */
function refusalFor(requestUrl: string, database: DatabaseAddress): Refusal | undefined {
  const { pathname, searchParams } = new URL(requestUrl, 'http://endpoint');
  if (pathname !== '/v2' && pathname !== '/') return { status: 404, message: 'the WebSocket path is /v2' };
  const address = searchParams.get('address');
  if (address === null) return undefined;
  const url = parsePostgresUrl(`postgres://${address}`);
  if (url === null) return { status: 400, message: 'expected ?address=host:port, or no address' };
  if (!isSameAddress(addressOf(url), database)) {
    return { status: 403, message: `address not allowed: this endpoint proxies only to ${formatAddress(database)}` };
  }
  return undefined;
}

function refuse(socket: Duplex, { status, message }: Refusal): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}
