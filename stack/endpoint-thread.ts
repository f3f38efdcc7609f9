// Runs one local endpoint (Neon's or Upstash's) on a thread of its own. Sharing one event loop,
// a slow Postgres held up Upstash's answers: the Worker then saw cache calls time out that the
// real, separate services would have answered on time, and fell back to the database.
import { Worker } from 'node:worker_threads';
import { StackError } from './contracts';
import type { NeonEndpointOptions } from './neon/server';
import type { UpstashEndpointOptions } from './upstash/server';

export type EndpointStart =
  | { kind: 'neon'; options: NeonEndpointOptions }
  | { kind: 'upstash'; options: UpstashEndpointOptions };

/** What the thread reports once: where it listens, or why it could not start. */
export type EndpointThreadReport = { url: string } | { error: string; stackError: boolean };

export interface EndpointThread {
  url: string;
  /** Closes the endpoint, then ends its thread. */
  close(): Promise<void>;
}

const ENTRY = new URL('./endpoint-thread-main.ts', import.meta.url);

export async function startEndpointThread(start: EndpointStart): Promise<EndpointThread> {
  // tsx loads the TypeScript entry in the thread as it does in the main one.
  const worker = new Worker(ENTRY, { workerData: start, execArgv: ['--import', 'tsx'] });
  const report = await new Promise<EndpointThreadReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new StackError(`The local ${start.kind} endpoint's thread exited (code ${code}) before it listened.`)));
  });
  if ('error' in report) {
    await worker.terminate();
    throw report.stackError ? new StackError(report.error) : new Error(report.error);
  }
  worker.removeAllListeners('exit');
  let closing: Promise<void> | undefined;
  return {
    url: report.url,
    close: () => (closing ??= new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage('close');
    })),
  };
}
