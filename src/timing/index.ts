// Durations as typed strings, and timeouts that tell a dependency's silence from this isolate's queueing.
export { congestionAwareTimeout, lateBy, queueAwareDeadline, wentSilent } from './congestion-aware-timeout';
export { type Duration, toMilliseconds } from './duration';
