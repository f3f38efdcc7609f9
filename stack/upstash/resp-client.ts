// A minimal RESP2 client for a real Redis: one pipelined connection, replies kept raw.
// ioredis and friends reshape replies (HGETALL into an object, bulk strings into text);
// the REST endpoint must relay exactly what Redis answered, so it speaks RESP itself.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { KeyLockingScripts } from './key-locking-scripts';
import type { PubSubEvent, Subscription, SubscriptionKind } from './pubsub';
import { execAbort, type RedisBackend, type Reply, ReplyError } from './redis-backend';
import { encodeCommands, RespProtocolError, RespReader } from './resp-protocol';

const CONNECT_TIMEOUT_MS = 5_000;

interface RedisTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  db: number;
}

/** Parses `redis://[user:password@]host[:port][/db]`; a TypeError means the URL itself is wrong. */
function parseRedisUrl(url: string): RedisTarget {
  const parsed = URL.parse(url);
  const db = Number(parsed?.pathname.slice(1) || '0');
  if (parsed?.protocol !== 'redis:' || !parsed.hostname || !Number.isInteger(db)) {
    throw new TypeError('expected redis://[user:password@]host[:port][/db]');
  }
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 literals come bracketed
    port: parsed.port ? Number(parsed.port) : 6379,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    db,
  };
}

interface PendingRequest {
  expected: number;
  replies: Reply[];
  resolve(replies: Reply[]): void;
  reject(error: Error): void;
}

/**
 * One socket with a FIFO of pending requests. Redis answers in command order, so each
 * request's commands go out as one write and the next `expected` replies are its own.
 * That is also what keeps a MULTI…EXEC block whole when requests run concurrently.
 */
class RespConnection {
  readonly #socket: Socket;
  readonly #reader = new RespReader();
  readonly #pending: PendingRequest[] = [];
  #failure: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('Redis closed the connection')));
  }

  static async open(target: RedisTarget): Promise<RespConnection> {
    const connection = new RespConnection(await openSocket(target));
    const failure = (await connection.send(setupCommands(target))).find((reply) => reply instanceof ReplyError);
    if (failure) {
      await connection.close();
      throw failure;
    }
    return connection;
  }

  get isOpen(): boolean {
    return this.#failure === null;
  }

  send(commands: readonly string[][]): Promise<Reply[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#pending.push({ expected: commands.length, replies: [], resolve, reject });
      this.#socket.write(encodeCommands(commands));
    });
  }

  async close(): Promise<void> {
    if (this.#socket.destroyed) return;
    const closed = once(this.#socket, 'close');
    this.#socket.destroy();
    await closed;
  }

  #receive(chunk: Buffer): void {
    let replies: Reply[];
    try {
      replies = this.#reader.push(chunk);
    } catch (error) {
      this.#socket.destroy(error as RespProtocolError);
      return;
    }
    for (const reply of replies) {
      const request = this.#pending[0];
      if (!request) {
        this.#socket.destroy(new RespProtocolError('Redis sent a reply nobody asked for'));
        return;
      }
      request.replies.push(reply);
      if (request.replies.length === request.expected) {
        this.#pending.shift();
        request.resolve(request.replies);
      }
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const request of this.#pending.splice(0)) request.reject(this.#failure);
  }
}

async function openSocket(target: RedisTarget): Promise<Socket> {
  const socket = connect({ host: target.host, port: target.port, noDelay: true, keepAlive: true });
  socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)));
  await once(socket, 'connect');
  socket.setTimeout(0);
  return socket;
}

/** AUTH and SELECT, as the URL asks. */
function setupCommands(target: RedisTarget): string[][] {
  const setup: string[][] = [];
  if (target.password)
    setup.push(target.username ? ['AUTH', target.username, target.password] : ['AUTH', target.password]);
  if (target.db !== 0) setup.push(['SELECT', String(target.db)]);
  return setup;
}

/** A push of a connection in subscriber mode, or undefined for anything else. */
function pubSubEventOf(reply: Reply): PubSubEvent | undefined {
  if (!Array.isArray(reply) || !Buffer.isBuffer(reply[0])) return undefined;
  const [kind, first, second, third] = [reply[0].toString(), reply[1], reply[2], reply[3]];
  const text = (value: Reply | undefined) => (Buffer.isBuffer(value) ? value.toString() : String(value));
  if ((kind === 'subscribe' || kind === 'psubscribe') && typeof second === 'number')
    return { type: kind, name: text(first), count: second };
  if (kind === 'message' && Buffer.isBuffer(second)) return { type: 'message', channel: text(first), message: second };
  if (kind === 'pmessage' && Buffer.isBuffer(third))
    return { type: 'pmessage', pattern: text(first), channel: text(second), message: third };
  return undefined;
}

/** A connection of its own in subscriber mode; `onEnd` when it drops (Redis gone, or an AUTH error). */
async function openSubscriber(
  target: RedisTarget,
  kind: SubscriptionKind,
  names: readonly string[],
  onEvent: (event: PubSubEvent) => void,
  onEnd: () => void,
): Promise<Subscription> {
  const socket = await openSocket(target);
  const reader = new RespReader();
  const setup = setupCommands(target);
  let setupReplies = 0;
  socket.on('data', (chunk: Buffer) => {
    let replies: Reply[];
    try {
      replies = reader.push(chunk);
    } catch (error) {
      socket.destroy(error as Error);
      return;
    }
    for (const reply of replies) {
      if (setupReplies < setup.length) {
        setupReplies++;
        if (reply instanceof ReplyError) socket.destroy(reply);
        continue;
      }
      const event = pubSubEventOf(reply);
      if (event) onEvent(event);
    }
  });
  socket.on('error', () => {}); // 'close' follows
  socket.once('close', onEnd);
  socket.write(encodeCommands([...setup, [kind === 'channel' ? 'SUBSCRIBE' : 'PSUBSCRIBE', ...names]]));
  return {
    async close() {
      socket.off('close', onEnd);
      if (socket.destroyed) return;
      const closed = once(socket, 'close');
      socket.destroy();
      await closed;
    },
  };
}

/** MULTI, the queued commands, EXEC: [OK, QUEUED | error…, results | EXECABORT]. */
function transactionResult(replies: Reply[]): Reply[] | ReplyError {
  const exec = replies.at(-1);
  if (Array.isArray(exec)) return exec;
  const queueError = replies.slice(1, -1).find((reply) => reply instanceof ReplyError);
  if (queueError) return execAbort(queueError);
  return exec instanceof ReplyError ? exec : new ReplyError('EXECABORT Transaction discarded');
}

/**
 * Connects to the Redis at `url` (rejects when it cannot connect or authenticate).
 * A connection that drops is replaced on the next request; the requests in flight fail.
 * Scripts flagged `allow-key-locking` run as on Upstash (key-locking-scripts.ts).
 */
export async function connectRespBackend(url: string): Promise<RedisBackend> {
  const target = parseRedisUrl(url);
  let current = Promise.resolve(await RespConnection.open(target));
  let closed = false;
  const keyLocking = new KeyLockingScripts();

  async function connection(): Promise<RespConnection> {
    if (closed) throw new Error('The Redis backend is closed');
    const snapshot = current;
    const open = await snapshot.catch(() => undefined);
    if (open?.isOpen) return open;
    // Concurrent callers share one reconnection attempt.
    if (current === snapshot) current = RespConnection.open(target);
    return current;
  }

  return {
    async pipeline(commands) {
      const sent = keyLocking.translate(commands);
      return sent.replies(await (await connection()).send(sent.commands));
    },
    async transaction(commands) {
      const sent = keyLocking.translate(commands);
      const result = transactionResult(await (await connection()).send([['MULTI'], ...sent.commands, ['EXEC']]));
      return result instanceof ReplyError ? result : sent.replies(result);
    },
    subscribe(kind, names, onEvent, onEnd = () => {}) {
      if (closed) return Promise.reject(new Error('The Redis backend is closed'));
      return openSubscriber(target, kind, names, onEvent, onEnd);
    },
    async close() {
      closed = true;
      await (await current.catch(() => undefined))?.close();
    },
  };
}
