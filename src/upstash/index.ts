// The isolate's Upstash clients, shared by the cache, the rate limiter and the readiness probe.
export { noteUpstashAnswer, upstashAnsweredSince } from './liveness';
export { redisClient, type UpstashVars } from './redis-client';
