// `/_stack/*`: counters and fault injection for tests. No auth: the endpoint only serves local tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFault, type Fault } from '../fault-request';
import type { EndpointState } from './endpoint-state';
import { HttpError, readJsonBody, sendEmpty, sendJson } from './http-json';

/**
 * - `GET /_stack/stats` → `EndpointStats`
 * - `POST /_stack/reset` → 204; zeroes the counters and clears the fault
 * - `POST /_stack/fault` with `{"mode": "none" | "error" | "hang" | "slow" | "drop", "delayMs"?: n}` → 204
 *   (`delayMs`: how late `slow` answers; see `FaultMode`)
 */
export async function handleControlRequest(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  state: EndpointState,
): Promise<void> {
  const route = `${request.method} ${pathname}`;
  try {
    switch (route) {
      case 'GET /_stack/stats':
        return sendJson(response, 200, state.stats());
      case 'POST /_stack/reset':
        state.reset();
        return sendEmpty(response, 204);
      case 'POST /_stack/fault':
        state.setFault(faultFrom(await readJsonBody(request)));
        return sendEmpty(response, 204);
      default:
        throw new HttpError(404, `no control route ${route}`);
    }
  } catch (error) {
    if (error instanceof HttpError) sendJson(response, error.status, { message: error.message });
    else sendJson(response, 500, { message: String(error) });
  }
}

function faultFrom(body: unknown): Fault {
  const fault = parseFault(body, { counted: false });
  if (typeof fault === 'string') throw new HttpError(400, fault);
  return fault;
}
