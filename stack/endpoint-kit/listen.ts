// Listening on a port, with the one-line StackError every local server gives when it cannot.
import net from 'node:net';
import { StackError } from '../stack-error';

/**
 * Starts `server` listening on `host:port` (`0`: a free port) and resolves with its base URL,
 * `http://host:port` with the port bound. Rejects with a one-line StackError: when the port is
 * taken, one that names `variable`, the setting that changes it.
 */
export async function listen(server: net.Server, port: number, host: string, variable: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, port, host, variable));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port: bound } = server.address() as net.AddressInfo;
  return `http://${formatHostPort(host, bound)}`;
}

/** Resolves when `port` can be bound on `host`; rejects as `listen` does. */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  const server = net.createServer();
  await listen(server, port, host, variable);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** An ephemeral port the OS considers free right now (for tests that need a fixed port up front). */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `host:port`, with IPv6 hosts in brackets. */
export function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string, variable: string): StackError {
  return error.code === 'EADDRINUSE'
    ? new StackError(`Port ${port} is already in use: stop what uses it or set ${variable}.`, { cause: error })
    : new StackError(`Cannot listen on ${host}:${port} (${error.code ?? error.message}).`, { cause: error });
}
