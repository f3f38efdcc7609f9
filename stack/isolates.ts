// `npm run serve [-- --isolates N]`: N copies of the built bundle, each its own workerd process
// (so its own isolate, on its own thread, with its own module state such as the in-memory cache
// tier), all accepting on one port. Production runs many isolates per location; this shows
// locally what that does to such state, and lets a multi-core machine serve them in parallel.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnWorkerdCopy, type WorkerdCopy, writeCopyConfig } from './plain-workerd';
import { StackError } from './stack-error';

/** Each copy is a V8 heap of its own; a local machine runs out of cores long before this. */
export const MAX_ISOLATES = 16;

export interface IsolatesOptions {
  /** Absolute path of the built bundle's entry module (`dist/index.js`). Required. */
  bundlePath: string;
  /** Copies of the bundle, 1 to {@link MAX_ISOLATES}. Required. */
  isolates: number;
  /** Required. */
  compatibilityDate: string;
  /** Required. */
  compatibilityFlags: readonly string[];
  /** Text bindings every copy gets: vars and secrets. Required. */
  bindings: Readonly<Record<string, string>>;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port (read it back from `url`). Required. */
  port: number;
  /** Where the first copy's DevTools inspector listens (`bench/profile.ts` profiles it). @default no inspector */
  inspector?: InspectorAddress;
  /** Called when a copy's workerd exited unasked: its isolate's state is gone. @default nothing */
  onCrash?: () => void;
}

export interface InspectorAddress {
  host: string;
  port: number;
}

export interface RunningIsolates {
  /** Where requests go, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** Stops every copy. */
  stop(): Promise<void>;
}

/** `--isolates` as typed on the command line; a one-line StackError for anything but 1 to 16. */
export function parseIsolateCount(text: string): number {
  const count = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(count >= 1 && count <= MAX_ISOLATES)) {
    throw new StackError(`--isolates ${text} is not a whole number from 1 to ${MAX_ISOLATES}.`);
  }
  return count;
}

/** `INSPECTOR` as set in the environment, `host:port`; a one-line StackError otherwise. */
export function parseInspectorAddress(text: string): InspectorAddress {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  if (!match || Number(match[2]) > 65535)
    throw new StackError(`INSPECTOR=${text} is not host:port (e.g. 127.0.0.1:9229).`);
  return { host: match[1]!, port: Number(match[2]) };
}

/**
 * Starts the copies. Each listens on its own socket bound to the same port with SO_REUSEPORT, so
 * the kernel spreads connections evenly over them (by address and port: a connection stays
 * with one copy, as a client's does with one isolate in production) and no router stands in
 * between. With N ≥ 2 every response says which copy answered: `X-Isolate: <index>`, added by
 * workerd itself.
 */
export async function startIsolates(options: IsolatesOptions): Promise<RunningIsolates> {
  const count = options.isolates;
  if (!Number.isInteger(count) || count < 1 || count > MAX_ISOLATES) {
    throw new StackError(`Cannot serve ${count} isolates: from 1 to ${MAX_ISOLATES}.`);
  }
  const host = options.host ?? '127.0.0.1';
  // Configs of their own (mkdtemp: private, as they hold the secrets): a bench's copies started
  // beside `npm run serve` once overwrote its config before workerd had read it.
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'edge-api-workerd-'));
  const removeConfigs = () => rm(configDir, { recursive: true, force: true });
  const copies: WorkerdCopy[] = [];
  const stop = async () => {
    await Promise.all(copies.map((copy) => copy.stop()));
    await removeConfigs();
  };
  let listening: Awaited<ReturnType<typeof listenAll>>;
  try {
    const configs = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        writeCopyConfig({
          ...options,
          configDir,
          index,
          responseHeaders: count > 1 ? { 'X-Isolate': String(index) } : undefined,
        }),
      ),
    );
    listening = await listenAll(host, options.port, count);
    const { sockets } = listening;
    try {
      // Spawned in one go, then this process lets go of the sockets before it could accept on one.
      for (const [index, config] of configs.entries()) {
        copies.push(
          spawnWorkerdCopy(
            config,
            socketFd(sockets[index]!),
            index === 0 ? options.inspector : undefined,
            options.onCrash,
          ),
        );
      }
    } finally {
      for (const socket of sockets) socket.close();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const { port } = listening;
  try {
    await Promise.all(copies.map((copy) => copy.started));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://${host}:${port}`, stop };
}

/** `count` listening sockets on one port (0: a free one, the same for all), sharing it through SO_REUSEPORT when more than one. */
async function listenAll(host: string, port: number, count: number): Promise<{ sockets: net.Server[]; port: number }> {
  const sockets: net.Server[] = [];
  let bound = port;
  try {
    for (let i = 0; i < count; i++) {
      const socket = net.createServer();
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.listen({ host, port: bound, reusePort: count > 1 }, resolve);
      });
      bound = (socket.address() as net.AddressInfo).port;
    }
    return { sockets, port: bound };
  } catch (error) {
    for (const socket of sockets) socket.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new StackError(`${host}:${port} is already in use.`, { cause: error });
    throw error;
  }
}

/** The descriptor of a listening socket (Node keeps it on the handle; Linux and macOS). */
function socketFd(socket: net.Server): number {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0)
    throw new StackError('Cannot hand the listening socket to workerd on this platform.');
  return fd;
}
