// `npm run serve -- --isolates N`: N copies of the built bundle, each a Worker of its own in one
// Miniflare (so each its own isolate, with its own module state such as the in-memory cache
// tier), behind a round-robin entry Worker on one socket; one copy has the socket to itself.
// Production runs many isolates per location; this shows locally what that does to such state.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare, MiniflareCoreError, type V4WorkerOptions } from 'miniflare';
import { StackError } from './contracts';

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
  /**
   * Where a DevTools inspector listing the copies only listens (`bench/profile.ts` profiles the
   * first it lists). @default no inspector
   */
  inspector?: InspectorAddress;
  /**
   * Called when workerd crashed. Miniflare restarts it, but every isolate's state is gone, so a
   * measurement running across it is void. @default nothing
   */
  onCrash?: () => void;
}

export interface InspectorAddress {
  host: string;
  port: number;
}

export interface RunningIsolates {
  /** Where requests go, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** Stops workerd. */
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
  if (!match || Number(match[2]) > 65535) throw new StackError(`INSPECTOR=${text} is not host:port (e.g. 127.0.0.1:9229).`);
  return { host: match[1]!, port: Number(match[2]) };
}

const ENTRY_SCRIPT = fileURLToPath(new URL('./round-robin.worker.js', import.meta.url));

/**
 * Starts the copies. One copy has the socket to itself: a router in front costs about 40 % of
 * the /health rate (README, "Load tests and benchmarks"), and there is nothing to tell apart.
 * More go behind the round-robin entry (`round-robin.worker.js`), which adds `X-Isolate: <index>`.
 */
export async function startIsolates(options: IsolatesOptions): Promise<RunningIsolates> {
  const count = options.isolates;
  if (!Number.isInteger(count) || count < 1 || count > MAX_ISOLATES) {
    throw new StackError(`Cannot serve ${count} isolates: from 1 to ${MAX_ISOLATES}.`);
  }
  const host = options.host ?? '127.0.0.1';
  const { inspector } = options;
  const bundle = await readFile(options.bundlePath, 'utf8');

  const copies = Array.from({ length: count }, (_, index): V4WorkerOptions => ({
    name: `app-${index}`,
    // Named `index.js`, as when deployed (a module name climbing out of the cwd breaks workerd).
    modules: [{ type: 'ESModule', path: options.bundlePath, contents: bundle }],
    modulesRoot: path.dirname(options.bundlePath),
    compatibilityDate: options.compatibilityDate,
    compatibilityFlags: [...options.compatibilityFlags],
    bindings: { ...options.bindings },
    unsafeInspectorProxy: inspector !== undefined,
  }));
  // Straight from the socket to our first Worker: Miniflare's own entry would log each request
  // and renegotiate Content-Encoding, which production does not.
  const socket = { unsafeDirectSockets: [{ host, port: options.port }] };
  const workers: V4WorkerOptions[] = count === 1
    ? [{ ...copies[0]!, ...socket }]
    : [{ ...roundRobinEntry(copies, options.compatibilityDate), ...socket }, ...copies];

  const miniflare = keepingSignalHandlers(() => new Miniflare(convertV4MiniflareOptions({
    workers,
    // Miniflare's own entry socket goes unused: any free port, loopback only.
    host: '127.0.0.1',
    port: 0,
    // Its `cf` object would be fetched from Cloudflare for that unused entry.
    cf: false,
    inspectorHost: inspector?.host,
    inspectorPort: inspector?.port,
    logRequests: false,
    log: new Log(LogLevel.WARN),
    unsafeHandleRuntimeRestart: options.onCrash,
  })));
  try {
    await miniflare.ready;
    const url = await miniflare.unsafeGetDirectURL(workers[0]!.name);
    return { url: url.origin, stop: () => miniflare.dispose() };
  } catch (error) {
    await miniflare.dispose().catch(() => {});
    if (error instanceof MiniflareCoreError && error.code === 'ERR_ADDRESS_IN_USE') {
      throw new StackError(`${host}:${options.port} is already in use.`, { cause: error });
    }
    // The inspector listens in this process (Miniflare proxies it to list the copies only).
    if (inspector && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StackError(`The inspector's address ${inspector.host}:${inspector.port} is already in use.`, { cause: error });
    }
    if (error instanceof MiniflareCoreError) throw new StackError(`Miniflare could not start: ${error.message}`, { cause: error });
    throw error;
  }
}

function roundRobinEntry(copies: readonly V4WorkerOptions[], compatibilityDate: string): V4WorkerOptions {
  return {
    name: 'round-robin',
    modules: [{ type: 'ESModule', path: ENTRY_SCRIPT }],
    modulesRoot: path.dirname(ENTRY_SCRIPT),
    compatibilityDate,
    bindings: { ISOLATE_COUNT: copies.length },
    serviceBindings: Object.fromEntries(copies.map((copy, index) => [`ISOLATE_${index}`, copy.name!])),
  };
}

/**
 * Creates the Miniflare, then drops the SIGINT/SIGTERM handlers it adds: they exit the process
 * at once, before the caller has stopped what else it started (the stack). Its exit hook, which
 * kills workerd whenever the process exits, stays.
 */
function keepingSignalHandlers(create: () => Miniflare): Miniflare {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const miniflare = create();
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
    }
  }
  return miniflare;
}
