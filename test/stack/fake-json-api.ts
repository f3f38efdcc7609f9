// The plumbing both fake APIs (Neon's, Cloudflare's) share: an HTTP server on 127.0.0.1 that
// reads each request's body and answers the status and JSON its handler returns.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeJsonApi {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

export async function serveJsonApi(
  answer: (request: IncomingMessage, url: URL, body: Buffer) => Promise<[number, unknown]>,
): Promise<FakeJsonApi> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const [status, body] = await answer(request, new URL(request.url ?? '/', 'http://fake'), Buffer.concat(chunks));
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
