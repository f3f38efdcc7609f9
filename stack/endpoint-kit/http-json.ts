// Reading request bodies and writing JSON answers with node:http, for both local endpoints.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A failure the client caused, answered with `status` and `{"message"}`, as Neon answers them. */
export class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

/**
 * Parses a JSON body whatever its Content-Type (the Neon driver sends none: it arrives as
 * text/plain). A body that is not JSON is an `HttpError` (400) that quotes the parser.
 */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(request);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The parsed body, or undefined when it is not JSON (the caller words the 400: Upstash's way). */
export async function readJsonBodyIfValid(request: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(request);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBodyText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status).end();
}
