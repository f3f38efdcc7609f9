import type { IncomingMessage } from 'node:http';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why a request to a local endpoint is refused, or undefined when it may proceed.
 *
 * The endpoints front a superuser Postgres and an unauthenticated control API, on loopback.
 * Browsers do not apply the same-origin policy to WebSockets or to simple POSTs, so any page
 * the developer visits could reach them: requests that carry an `Origin` (only browsers send
 * one; the drivers and workerd do not) are refused, and so is any `Host` other than loopback,
 * which stops DNS-rebinding tricks.
 */
export function refusalReason(request: IncomingMessage): string | undefined {
  if (request.headers.origin !== undefined) return 'requests from web pages (with an Origin header) are refused';
  const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (!LOCAL_HOSTS.has(host)) return `Host "${request.headers.host ?? ''}" is not a loopback address`;
  return undefined;
}
