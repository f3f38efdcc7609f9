// `/_stack/*`: counters and fault injection for tests, the same on both local endpoints. No auth:
// the endpoints only serve local tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointState } from './endpoint-state';
import { type Fault, parseFault } from './fault-request';
import { HttpError, readJsonBody, sendEmpty, sendJson } from './http-json';

export interface ControlRouteOptions {
  /**
   * How the endpoint reads a JSON body. @default readJsonBody (a body that is not JSON is a 400
   * that quotes the parser; `readJsonBodyIfValid` reads it as no body, answered with what is expected)
   */
  readJson?: (request: IncomingMessage) => Promise<unknown>;
}

/** Whether `pathname` is a control route's (the endpoint passes those to `handleControlRequest`). */
export function isControlPath(pathname: string): boolean {
  return pathname.startsWith('/_stack/');
}

/**
 * - `GET /_stack/stats` → `EndpointStats`
 * - `POST /_stack/reset` → 204; zeroes the counters and clears the fault
 * - `POST /_stack/fault` with `{"mode": "none" | "error" | "hang" | "slow" | "drop", "delayMs"?: n}`
 *   (and `"requests"?: n` where the state counts faults) → 204
 *   (`delayMs`: how late `slow` answers; `requests`: only the next n requests, then healthy again; see `FaultMode`)
 *
 * Failures are answered `{"message"}`: 400 for a bad fault, 404 for an unknown route.
 */
export async function handleControlRequest(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  state: EndpointState,
  options: ControlRouteOptions = {},
): Promise<void> {
  const route = `${request.method} ${pathname}`;
  const readJson = options.readJson ?? readJsonBody;
  try {
    switch (route) {
      case 'GET /_stack/stats':
        return sendJson(response, 200, state.stats());
      case 'POST /_stack/reset':
        state.reset();
        return sendEmpty(response, 204);
      case 'POST /_stack/fault':
        state.setFault(faultFrom(await readJson(request), state.countedFaults));
        return sendEmpty(response, 204);
      default:
        throw new HttpError(404, `no control route ${route}`);
    }
  } catch (error) {
    if (error instanceof HttpError) sendJson(response, error.status, { message: error.message });
    else sendJson(response, 500, { message: String(error) });
  }
}

function faultFrom(body: unknown, counted: boolean): Fault {
  const fault = parseFault(body, { counted });
  if (typeof fault === 'string') throw new HttpError(400, fault);
  return fault;
}
