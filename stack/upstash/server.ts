// An Upstash-compatible Redis REST endpoint, so @upstash/redis runs unchanged on a laptop.
// The installed @upstash/redis client is the specification of this protocol.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  EndpointState,
  type EndpointStats,
  type Fault,
  handleControlRequest,
  isControlPath,
  keepConnectionsOpen,
  listen,
  NO_FAULT,
  type RunningServer,
  readJsonBodyIfValid,
  redactUrl,
  refusalReason,
  sendHalfThenDrop,
  sendJson,
  sendLate,
} from '../endpoint-kit';
import { StackError } from '../stack-error';
import { type CommandRoute, createCommandRoutes } from './command-routes';
import { createMemoryBackend } from './memory-backend';
import type { PubSubEvent, Subscription, SubscriptionKind } from './pubsub';
import type { RedisBackend } from './redis-backend';
import { connectRespBackend } from './resp-client';

export interface UpstashEndpointOptions {
  /** Port to listen on; `0` picks a free one (read it back from `url`). Required. */
  port: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The bearer token clients must send (their `token` option). Required, non-empty. */
  token: string;
  /**
   * The Redis to relay commands to, `redis://[user:password@]host[:port][/db]`.
   * `null` or absent: the in-memory backend (see stack/upstash/README.md). @default null
   */
  redisUrl?: string | null;
}

export type UpstashEndpoint = RunningServer & { stats(): EndpointStats };

const COMMAND_ROUTES = new Map<string, CommandRoute>([
  ['/', 'single'],
  ['/pipeline', 'pipeline'],
  ['/multi-exec', 'transaction'],
]);

/** `/subscribe/<channel>[/<channel>…]` and `/psubscribe/<pattern>…`: the client's streaming routes. */
const STREAM_ROUTE = /^\/(p?subscribe)\/(.+)$/;

/** One server-sent event's data, as Upstash words it (the client splits it on its first commas). */
function eventLine(event: PubSubEvent): string {
  switch (event.type) {
    case 'subscribe':
    case 'psubscribe':
      return `${event.type},${event.name},${event.count}`;
    case 'message':
      return `message,${event.channel},${event.message.toString('utf8')}`;
    case 'pmessage':
      return `pmessage,${event.pattern},${event.channel},${event.message.toString('utf8')}`;
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Connecting to "localhost" can fail with an AggregateError (IPv6 and IPv4) whose message is empty.
  return error.message || (error as NodeJS.ErrnoException).code || error.name;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

async function openBackend(redisUrl: string | null): Promise<RedisBackend> {
  if (!redisUrl) return createMemoryBackend();
  try {
    return await connectRespBackend(redisUrl);
  } catch (error) {
    const target = redactUrl(redisUrl);
    const detail = describeError(error).replace(/[.?!]+$/, '');
    throw new StackError(
      error instanceof TypeError
        ? `REDIS_URL is not a Redis URL (${detail}): ${target}`
        : `Cannot reach Redis at ${target}: ${detail}. Start it or unset REDIS_URL to use the in-memory backend.`,
      { cause: error },
    );
  }
}

/**
 * Starts the endpoint: `POST /` (one command), `POST /pipeline`, `POST /multi-exec`, behind a
 * bearer token; plus unauthenticated test controls: `GET /_stack/stats`, `POST /_stack/reset`,
 * `POST /_stack/fault` with `{"mode": "none" | "error" | "hang" | "slow" | "drop", "delayMs"?: n,
 * "requests"?: n}` (`delayMs`: how late `slow` answers; `requests`: only the next n requests,
 * then healthy again; see `FaultMode`).
 * Rejects with a one-line `StackError` when the port is taken or Redis cannot be reached.
 */
export async function startUpstashEndpoint(options: UpstashEndpointOptions): Promise<UpstashEndpoint> {
  const { port, token } = options;
  const host = options.host ?? '127.0.0.1';
  if (!token) throw new StackError('The Upstash endpoint needs a non-empty token.');
  const tokenDigest = sha256(token);
  const backend = await openBackend(options.redisUrl ?? null);

  // Faults can be set for the next n requests; requests `hang` holds stay held when it is set again.
  const state = new EndpointState({ countedFaults: true, rehangKeepsHeld: true });
  const commandRoutes = createCommandRoutes(backend, (count) => state.count('commands', count));

  // Digests have a fixed length, so the comparison takes the same time whatever was sent.
  function isAuthorized(header: string | undefined): boolean {
    const presented = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1] ?? '';
    return timingSafeEqual(sha256(presented), tokenDigest);
  }

  /**
   * Counts the request, then applies `error`, `hang` and the token. Returns the fault its answer
   * goes out under, or undefined when it has been answered (or is held).
   */
  function admit(request: IncomingMessage, response: ServerResponse): Fault | undefined {
    const fault = state.admit();
    if (fault.mode === 'error') {
      sendJson(response, 503, { error: 'Service Unavailable (fault injected)' });
      return undefined;
    }
    if (fault.mode === 'hang') {
      response.on(
        'close',
        state.holdHanging(() => response.socket?.destroy()),
      );
      return undefined;
    }
    if (!isAuthorized(request.headers.authorization)) {
      sendJson(response, 401, { error: 'Unauthorized' });
      return undefined;
    }
    return fault;
  }

  /** How a command's answer leaves under `applied`: `slow` holds it back, `drop` cuts it off half-way. */
  function answerUnder(
    applied: Fault,
    response: ServerResponse,
  ): (status: number, body: unknown, headers?: Record<string, string>) => void {
    switch (applied.mode) {
      case 'slow':
        return (status, body, headers) =>
          sendLate(applied.delayMs, () => sendJson(response, status, body, headers), state.holdLate);
      case 'drop':
        return (status, body, headers) => sendHalfThenDrop(response, status, body, headers);
      default:
        return (status, body, headers) => sendJson(response, status, body, headers);
    }
  }

  let syncToken = 0;

  async function serveCommands(route: CommandRoute, request: IncomingMessage, response: ServerResponse) {
    const applied = admit(request, response);
    if (!applied) return;
    const answer = answerUnder(applied, response);
    const body = await readJsonBodyIfValid(request);
    if (body === undefined) return answer(400, { error: 'ERR the request body is not valid JSON' });
    const encoding = request.headers['upstash-encoding'];
    const base64 = typeof encoding === 'string' && encoding.toLowerCase() === 'base64';
    const reply = await commandRoutes[route](body, base64);
    // Read-your-writes: Upstash returns a token that a client sends back so its next read waits for
    // the replica to catch up. One node here is always caught up: a token sent back is accepted as
    // it is, and each command request advances the one we return.
    syncToken++;
    return answer(reply.status, reply.body, { 'upstash-sync-token': String(syncToken) });
  }

  /** A subscription streamed as server-sent events until the client goes (or Redis does). */
  async function serveSubscription(
    kind: SubscriptionKind,
    path: string,
    request: IncomingMessage,
    response: ServerResponse,
  ) {
    // `slow` and `drop` act on command answers; a subscription streams as usual.
    if (!admit(request, response)) return;
    let names: string[];
    try {
      names = path.split('/').map(decodeURIComponent);
    } catch {
      return sendJson(response, 400, { error: 'ERR bad percent-encoding in the channel name' });
    }
    request.resume(); // the body (an empty command) is not needed
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    let subscription: Subscription | undefined;
    let gone = false;
    response.on('close', () => {
      gone = true;
      void subscription?.close();
    });
    subscription = await backend.subscribe(
      kind,
      names,
      (event) => response.write(`data: ${eventLine(event)}\n\n`),
      () => response.end(),
    );
    if (gone) await subscription.close();
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refused = refusalReason(request);
    if (refused) return sendJson(response, 403, { error: refused });
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    // A body that is not JSON reads as none: the 400 says what a fault body is.
    if (isControlPath(pathname))
      return handleControlRequest(request, response, pathname, state, { readJson: readJsonBodyIfValid });
    const stream = STREAM_ROUTE.exec(pathname);
    if (stream) {
      if (request.method !== 'POST' && request.method !== 'GET')
        return sendJson(response, 405, { error: 'Method Not Allowed' }, { Allow: 'POST' });
      return serveSubscription(stream[1] === 'subscribe' ? 'channel' : 'pattern', stream[2]!, request, response);
    }
    const route = COMMAND_ROUTES.get(pathname);
    if (!route) return sendJson(response, 404, { error: 'Not Found' });
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'Method Not Allowed' }, { Allow: 'POST' });
    return serveCommands(route, request, response);
  }

  const server = keepConnectionsOpen(
    createServer((request, response) => {
      serve(request, response).catch((error: unknown) => {
        // Redis went away mid-request (a reply error never lands here).
        if (response.headersSent) response.destroy();
        else sendJson(response, 502, { error: `ERR Redis is unavailable: ${describeError(error)}` });
      });
    }),
  );

  let url: string;
  try {
    url = await listen(server, port, host, 'UPSTASH_PORT');
  } catch (error) {
    await backend.close();
    throw error;
  }

  return {
    url,
    stats: () => state.stats(),
    async close() {
      state.setFault(NO_FAULT);
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections(); // idle keep-alive sockets would hold close() open
      await closed;
      await backend.close();
    },
  };
}
