// What the local Neon and Upstash endpoints (and the metrics collector) share: how they listen,
// guard, read and answer requests, count them, and take the faults tests inject through `/_stack/*`.
export { handleControlRequest, isControlPath, type ControlRouteOptions } from './control-routes';
export { EndpointState, type EndpointStateOptions } from './endpoint-state';
export { FAULT_MODES, type EndpointStats, type FaultMode, type RunningServer } from './endpoint-types';
export { DEFAULT_SLOW_DELAY_MS, NO_FAULT, parseFault, type Fault } from './fault-request';
export { sendHalfThenDrop, sendLate } from './faulty-answers';
export { HttpError, readJsonBody, readJsonBodyIfValid, sendEmpty, sendJson } from './http-json';
export { keepConnectionsOpen } from './keep-alive';
export { assertPortFree, findFreePort, formatHostPort, listen } from './listen';
export { isLoopbackHost, refusalReason } from './local-request-guard';
export { redactUrl } from './redact-url';
