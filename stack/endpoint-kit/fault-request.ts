// `POST /_stack/fault` bodies, read the same way by the Neon and the Upstash endpoints.
import { FAULT_MODES, type FaultMode } from './endpoint-types';

/** How late `slow` answers when the body names no `delayMs`. */
export const DEFAULT_SLOW_DELAY_MS = 1000;
/** A minute: longer would only outlive the test that set it. */
const MAX_DELAY_MS = 60_000;

/** A fault as set: its mode, and what the mode takes. */
export interface Fault {
  mode: FaultMode;
  /** How late `slow` answers; 0 for the other modes. */
  delayMs: number;
  /** Requests the fault applies to, then the endpoint is healthy again; Infinity: until changed. */
  requests: number;
}

export const NO_FAULT: Fault = { mode: 'none', delayMs: 0, requests: Infinity };

/**
 * `{"mode": …, "delayMs"?: n, "requests"?: n}` as a Fault, or the message of a 400 that says
 * what is expected. `delayMs` goes with `slow` only; `requests` only where the endpoint counts.
 */
export function parseFault(body: unknown, options: { counted: boolean }): Fault | string {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const mode = FAULT_MODES.find((known) => known === fields.mode);
  const { delayMs = mode === 'slow' ? DEFAULT_SLOW_DELAY_MS : 0, requests = Infinity } = fields;
  const delayOk = mode === 'slow' ? isWhole(delayMs) && delayMs <= MAX_DELAY_MS : fields.delayMs === undefined;
  const requestsOk = requests === Infinity || (options.counted && isWhole(requests) && requests > 0);
  if (mode && delayOk && requestsOk) return { mode, delayMs: Number(delayMs), requests: Number(requests) };
  return (
    `expected {"mode": ${FAULT_MODES.map((m) => `"${m}"`).join(' | ')}, "delayMs"?: ms for "slow" (0 to ${MAX_DELAY_MS}, default ${DEFAULT_SLOW_DELAY_MS})` +
    `${options.counted ? ', "requests"?: a positive integer' : ''}}`
  );
}

const isWhole = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
