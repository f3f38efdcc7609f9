import type { IncomingMessage } from 'node:http';

/** Every spelling of this machine's address (IPv6 without brackets). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether `host` (lower-case; IPv6 without brackets) names this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

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
  // A Host header brackets an IPv6 address (`[::1]:4444`), and only an IPv6 address.
  const name = /^\[(.*:.*)\]$/.exec(host)?.[1] ?? host;
  if (!isLoopbackHost(name)) return `Host "${request.headers.host ?? ''}" is not a loopback address`;
  return undefined;
}
