// `/_stack/*`: counters and fault injection for tests. No auth: the endpoint only serves local tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultMode } from '../contracts';
import type { EndpointState } from './endpoint-state';
import { HttpError, readJsonBody, sendEmpty, sendJson } from './http-json';

const FAULT_MODES: readonly FaultMode[] = ['none', 'error', 'hang'];

/**
 * - `GET /_stack/stats` → `EndpointStats`
 * - `POST /_stack/reset` → 204; zeroes the counters and clears the fault
 * - `POST /_stack/fault` with `{"mode": "none" | "error" | "hang"}` → 204
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
        state.setFault(parseFaultMode(await readJsonBody(request)));
        return sendEmpty(response, 204);
      default:
        throw new HttpError(404, `no control route ${route}`);
    }
  } catch (error) {
    if (error instanceof HttpError) sendJson(response, error.status, { message: error.message });
    else sendJson(response, 500, { message: String(error) });
  }
}

function parseFaultMode(body: unknown): FaultMode {
  const mode = typeof body === 'object' && body !== null && 'mode' in body ? body.mode : undefined;
  const known = FAULT_MODES.find((candidate) => candidate === mode);
  if (known === undefined) throw new HttpError(400, `expected {"mode": ${FAULT_MODES.map((m) => `"${m}"`).join(' | ')}}`);
  return known;
}
