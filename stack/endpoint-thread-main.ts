// The thread side of endpoint-thread.ts: starts the endpoint, reports its URL, closes on 'close'.
import { parentPort, workerData } from 'node:worker_threads';
import { StackError } from './contracts';
import type { EndpointStart, EndpointThreadReport } from './endpoint-thread';
import { startNeonEndpoint } from './neon/server';
import { startUpstashEndpoint } from './upstash/server';

const start = workerData as EndpointStart;
const port = parentPort!;
try {
  const endpoint = start.kind === 'neon' ? await startNeonEndpoint(start.options) : await startUpstashEndpoint(start.options);
  port.postMessage({ url: endpoint.url } satisfies EndpointThreadReport);
  port.once('message', async () => {
    await endpoint.close();
    port.close();
  });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  port.postMessage({ error: message, stackError: error instanceof StackError } satisfies EndpointThreadReport);
}
