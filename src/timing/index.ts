// Durations as typed strings, and timeouts that tell a dependency's silence from this isolate's queueing.
export { congestionAwareTimeout, lateBy, queueAwareDeadline, wentSilent } from './congestion-aware-timeout';
export { toMilliseconds, type Duration } from './duration';
