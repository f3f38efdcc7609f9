import { exports } from 'cloudflare:workers';
import { inject } from 'vitest';
import type { Problem } from '../../src/http/problem';
import type { Product } from '../../src/schemas/product';
import type { FaultMode } from '../../stack/endpoint-kit/endpoint-types';

export const stack = inject('stack');

/** Sends a request to the Worker under test (the same fetch handler production runs). */
export function api(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`http://edge-api.test${path}`, init));
}

export const authorized = (headers: Record<string, string> = {}) => ({
  Authorization: `Bearer ${stack.apiToken}`,
  ...headers,
});

/** A JSON write with the dev API token. */
export function write(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Response> {
  return api(path, {
    method,
    headers: authorized(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A product as the API returns it. */
export type ProductBody = Product;

/** A problem+json answer as the API writes it. */
export type ProblemBody = Problem;

/** Asserts-friendly read of a problem+json answer. */
export async function problemOf(response: Response): Promise<ProblemBody & { contentType: string | null }> {
  return { ...(await response.json<ProblemBody>()), contentType: response.headers.get('Content-Type') };
}

let skuCounter = 0;
/** A sku no other test uses. */
export const uniqueSku = (prefix = 'TEST') =>
  `${prefix}-${Date.now().toString(36)}-${(skuCounter++).toString(36)}`.toUpperCase();

/**
 * Switches a local endpoint (Neon or Upstash) into a fault mode; `none` restores it. With
 * `requests` (Upstash only), the fault applies to the next that many command requests; with
 * `delayMs`, how late `slow` answers.
 */
export async function setFault(endpoint: string, mode: FaultMode, requests?: number, delayMs?: number): Promise<void> {
  const response = await fetch(`${endpoint}/_stack/fault`, {
    method: 'POST',
    body: JSON.stringify({ mode, requests, delayMs }),
  });
  if (!response.ok) throw new Error(`Could not set fault mode ${mode} on ${endpoint}: ${response.status}`);
}
