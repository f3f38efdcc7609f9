import { describe, expect, it } from 'vitest';
import { createCacheEventLog } from '../../../src/cache/cache-event-log';

describe('cache event log', () => {
  it('writes one line per kind of event per second, then says how many it left out', () => {
    const lines: string[] = [];
    let now = 0;
    const log = createCacheEventLog(
      (line) => lines.push(line),
      () => now,
    );
    const unavailable = (operation: string) => ({
      type: 'cache-unavailable' as const,
      operation,
      error: new Error('down'),
    });
    log(unavailable('read'));
    log(unavailable('read'));
    log(unavailable('read'));
    log(unavailable('write'));
    now = 1000;
    log(unavailable('read'));
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([
      { event: 'cache-unavailable', operation: 'read', error: 'Error: down' },
      { event: 'cache-unavailable', operation: 'write' },
      { event: 'cache-unavailable', operation: 'read', suppressed: 2 },
    ]);
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('suppressed');
  });
});
