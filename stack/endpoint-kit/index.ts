// What the local Neon and Upstash endpoints (and the metrics collector) share: how they listen,
// guard, read and answer requests, count them, and take the faults tests inject through `/_stack/*`.
export { type ControlRouteOptions, handleControlRequest, isControlPath } from './control-routes';
export { EndpointState, type EndpointStateOptions } from './endpoint-state';
export { type EndpointStats, FAULT_MODES, type FaultMode, type RunningServer } from './endpoint-types';
export { DEFAULT_SLOW_DELAY_MS, type Fault, NO_FAULT, parseFault } from './fault-request';
export { sendHalfThenDrop, sendLate } from './faulty-answers';
export { HttpError, readJsonBody, readJsonBodyIfValid, sendEmpty, sendJson } from './http-json';
export { keepConnectionsOpen } from './keep-alive';
export { assertPortFree, findFreePort, formatHostPort, listen } from './listen';
export { isLoopbackHost, refusalReason } from './local-request-guard';
export { redactUrl } from './redact-url';
