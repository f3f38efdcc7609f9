import net from 'node:net';
import { StackError } from './contracts';

/** Resolves when `port` can be bound on `host`; rejects with a one-line StackError naming the variable to change. */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new StackError(`Port ${port} is already in use: stop what uses it or set ${variable}.`)
        : new StackError(`Cannot listen on ${host}:${port} (${error.code ?? error.message}).`));
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
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

/** A URL with its password masked, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
