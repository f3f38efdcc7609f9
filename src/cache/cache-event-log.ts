import type { CacheEvent } from './cache-options';

/** At most one line per kind of event (type and operation) per interval: a saturated isolate must not spend itself on logging. */
const LOG_INTERVAL_MS = 1000;

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200);

/**
 * Logs cache events as JSON lines with the request id; error text is cut short (Upstash errors
 * echo whole commands). Repeats of a kind within a second are counted, and the next line of
 * that kind says how many were left out (`suppressed`).
 */
export function createCacheEventLog(write: (line: string) => void = console.warn, now: () => number = Date.now) {
  const kinds = new Map<string, { loggedAt: number; suppressed: number }>();
  return function logCacheEvent(event: CacheEvent): void {
    const kind = `${event.type}:${'operation' in event ? event.operation : ''}`;
    const seen = kinds.get(kind);
    const at = now();
    if (seen && at - seen.loggedAt < LOG_INTERVAL_MS) {
      seen.suppressed++;
      return;
    }
    kinds.set(kind, { loggedAt: at, suppressed: 0 });
    const cause = event.error instanceof Error && event.error.cause !== undefined ? describe(event.error.cause) : undefined;
    const { error, type, ...fields } = event;
    write(JSON.stringify({ level: 'warn', event: type, ...fields, error: describe(error), cause, suppressed: seen?.suppressed || undefined }));
  };
}
