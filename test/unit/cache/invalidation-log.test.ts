import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_SETTINGS } from '../../../src/cache/cache-settings';
import { InvalidationLog, type LogTail } from '../../../src/cache/invalidation-log';

const FIRST_LOOK_BACK_MS = DEFAULT_CACHE_SETTINGS.logFirstLookBackMs;

describe('InvalidationLog', () => {
  const tail = (seq: number, since: number, records: string[] = [], gap = false): LogTail => ({
    seq,
    since,
    gap,
    records,
  });

  it('knows, from its first look on, which tags were invalidated after a seq', () => {
    const log = new InvalidationLog(FIRST_LOOK_BACK_MS);
    expect(log.since(1_000_000)).toBe(1_000_000 - 15 * 60_000);
    log.apply(tail(300, 100, ['200 product:1 list', '300 product:2']), 5);
    expect(log.seq).toBe(300);
    expect(log.since(0)).toBe(300);
    expect(log.isCurrent(['product:1'], 199)).toBe(false);
    expect(log.isCurrent(['product:1'], 200)).toBe(true);
    expect(log.isCurrent(['product:2', 'list'], 250)).toBe(false);
    expect(log.isCurrent(['product:3'], 150)).toBe(true);
    // Before its first look: nothing it can vouch for.
    expect(log.isCurrent(['product:3'], 99)).toBe(false);
  });

  it('starts over after a gap, or when the log went backwards, vouching only for what is newer', () => {
    const log = new InvalidationLog(FIRST_LOOK_BACK_MS);
    log.apply(tail(300, 100, ['200 product:1']), 5);
    log.apply(tail(900, 300, [], true), 6);
    expect(log.isCurrent(['product:9'], 899)).toBe(false);
    expect(log.isCurrent(['product:9'], 900)).toBe(true);
    log.apply(tail(50, 900), 7);
    expect(log.seq).toBe(50);
    expect(log.isCurrent(['product:9'], 49)).toBe(false);
    expect(log.isCurrent(['product:9'], 50)).toBe(true);
  });

  it('takes replies in any order, keeping the newest position', () => {
    const log = new InvalidationLog(FIRST_LOOK_BACK_MS);
    log.apply(tail(300, 100, ['200 a', '300 b']), 5);
    log.apply(tail(250, 100, ['200 a']), 6);
    expect(log.seq).toBe(300);
    expect(log.isCurrent(['b'], 299)).toBe(false);
    expect(log.isRecent(1005, 1000)).toBe(true);
    expect(log.isRecent(1006, 1000)).toBe(false);
  });
});
