// How an endpoint answers under `slow` and `drop`: the request has run; only its answer is late
// or cut short, so the client cannot tell whether it took effect.
import type { ServerResponse } from 'node:http';

/**
 * Runs `send` after `delayMs`, or at once when `hold`'s release runs (the fault changed or the
 * endpoint closes). `hold` registers the release and returns what to call when it ran on its own.
 */
export function sendLate(delayMs: number, send: () => void, hold: (release: () => void) => () => void): void {
  const release = () => {
    clearTimeout(timer);
    forget();
    send();
  };
  const forget = hold(release);
  const timer = setTimeout(release, delayMs);
}

/** A JSON answer's head and the first half of its body, then the connection closed. */
export function sendHalfThenDrop(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(JSON.stringify(body));
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...headers });
  response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.destroy());
}
