import http from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';

const stack = inject('stack');

/** A raw request, so the Host header can be anything (fetch would not let us set it). */
function rawRequest(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
    request.end(JSON.stringify({ mode: 'hang' }));
  });
}

describe('local endpoints refuse web pages', () => {
  it.each([
    ['Neon', () => `${stack.neonEndpoint}/_stack/fault`],
    ['Upstash', () => `${stack.upstashUrl}/_stack/fault`],
  ])('%s: a cross-site POST (Origin) or a rebinding Host gets 403', async (_name, url) => {
    expect(await rawRequest(url(), { Origin: 'https://evil.example', 'Content-Type': 'text/plain' })).toBe(403);
    expect(await rawRequest(url(), { Host: 'evil.example' })).toBe(403);
    // The stack was not switched into a fault mode by either.
    expect((await fetch(`${stack.upstashUrl}/_stack/stats`)).status).toBe(200);
  });

  it('refuses a WebSocket from a web page to the Postgres proxy', async () => {
    const address = new URL(stack.databaseUrl).host;
    const socket = new WebSocket(`${stack.neonEndpoint.replace('http', 'ws')}/v2?address=${address}`, {
      headers: { Origin: 'https://evil.example' },
    });
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('open', () => resolve(101));
      socket.once('error', () => resolve(-1));
    });
    socket.terminate();
    expect(status).toBe(403);
  });
});
