import type { CacheEvent } from './cache-events';
import { DEFAULT_CACHE_SETTINGS } from './cache-settings';

const describe = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200);

/**
 * Logs cache events as JSON lines with the request id; error text is cut short (Upstash errors
 * echo whole commands). At most one line per kind of event (type and operation) per
 * `intervalMs`: a saturated isolate must not spend itself on logging. Repeats within it are
 * counted, and the next line of that kind says how many were left out (`suppressed`).
 */
export function createCacheEventLog(
  write: (line: string) => void = console.warn,
  now: () => number = Date.now,
  intervalMs = DEFAULT_CACHE_SETTINGS.eventLogIntervalMs,
) {
  const kinds = new Map<string, { loggedAt: number; suppressed: number }>();
  return function logCacheEvent(event: CacheEvent): void {
    const kind = `${event.type}:${'operation' in event ? event.operation : ''}`;
    const seen = kinds.get(kind);
    const at = now();
    if (seen && at - seen.loggedAt < intervalMs) {
      seen.suppressed++;
      return;
    }
    kinds.set(kind, { loggedAt: at, suppressed: 0 });
    const cause =
      event.error instanceof Error && event.error.cause !== undefined ? describe(event.error.cause) : undefined;
    const { error, type, ...fields } = event;
    write(
      JSON.stringify({
        level: 'warn',
        event: type,
        ...fields,
        error: describe(error),
        cause,
        suppressed: seen?.suppressed || undefined,
      }),
    );
  };
}
