/**
 * Who a request counts against: Cloudflare's `CF-Connecting-IP` (set by the edge; a client
 * cannot choose it), else the socket's address, which workerd gives as `cf.clientIp` when no
 * edge is in front (`npm run dev`, `npm run serve`). Undefined for callers with neither: a
 * service binding or a test's in-process request, which no budget applies to.
 */
export function clientAddress(request: { headers: Headers; cf?: unknown }): string | undefined {
  const edge = request.headers.get('CF-Connecting-IP');
  if (edge) return edge;
  const socket = (request.cf as { clientIp?: unknown } | undefined)?.clientIp;
  return typeof socket === 'string' && socket !== '' ? withoutPort(socket) : undefined;
}

/** `127.0.0.1:51234` → `127.0.0.1`, `[::1]:51234` → `::1`: one client per address, not per connection. */
function withoutPort(socket: string): string {
  const bracketed = /^\[(.*)\]:\d+$/.exec(socket);
  if (bracketed) return bracketed[1]!;
  const ipv4 = /^([^:]+):\d+$/.exec(socket);
  return ipv4 ? ipv4[1]! : socket;
}
