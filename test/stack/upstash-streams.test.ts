// The in-memory backend's streams where replies depend on the clock (`*` ids, idle and delivery
// times), which upstash-backends-agree.test.ts cannot compare byte for byte: their shapes and
// bounds, and the options that act on times (IDLE, TIME, min-idle-time); and stream ids as Redis parses them.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashEndpoint, type UpstashEndpoint } from '../../stack/upstash/server';
import { appendEntry, createStream, deleteEntry } from '../../stack/upstash/stream';
import { cloneStream } from '../../stack/upstash/stream-copy';
import { assignPending, createConsumer, createGroup } from '../../stack/upstash/stream-group';
import {
  compareIds,
  formatId,
  nextId,
  parseIdWith,
  parseRangeEnd,
  parseRangeStart,
  parseStrictId,
  previousId,
  U64_MAX,
} from '../../stack/upstash/stream-id';

const TOKEN = 'upstash-streams-token';

describe('in-memory streams: time-dependent replies', () => {
  let endpoint: UpstashEndpoint;
  beforeAll(async () => {
    endpoint = await startUpstashEndpoint({ port: 0, token: TOKEN });
  });
  afterAll(() => endpoint.close());

  async function call(...command: Array<string | number>): Promise<unknown> {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(command),
    });
    const body = (await response.json()) as { result?: unknown; error?: string };
    if (body.error !== undefined) throw new Error(body.error);
    return body.result;
  }

  const msOf = (id: unknown) => Number(String(id).split('-')[0]);
  type Pending = Array<[id: string, consumer: string, idle: number, deliveries: number]>;
  const onePending = async (id: string) => ((await call('XPENDING', 'c', 'grp', id, id, 1)) as Pending)[0]!;

  it('XADD * takes the clock for its id, and never goes back', async () => {
    const before = Date.now();
    const first = await call('XADD', 'auto', '*', 'f', 'v');
    const second = await call('XADD', 'auto', '*', 'f', 'v');
    expect(first).toMatch(/^\d+-\d+$/);
    expect(msOf(first)).toBeGreaterThanOrEqual(before);
    expect(msOf(first)).toBeLessThanOrEqual(Date.now());
    const [ms1, seq1] = String(first).split('-').map(BigInt);
    const [ms2, seq2] = String(second).split('-').map(BigInt);
    expect(ms2! > ms1! || (ms2 === ms1 && seq2! > seq1!)).toBe(true);
    const now = Date.now();
    expect(await call('XADD', 'auto', `${now + 60_000}-*`, 'f', 'v')).toBe(`${now + 60_000}-0`);
    expect(await call('XADD', 'auto', '*', 'f', 'v')).toBe(`${now + 60_000}-1`);
    expect(await call('XLEN', 'auto')).toBe(4);
  });

  it('XPENDING and XINFO report delivery and idle times', async () => {
    await call('XADD', 'g', '1-1', 'a', '1');
    await call('XADD', 'g', '2-1', 'b', '2');
    await call('XGROUP', 'CREATE', 'g', 'grp', '0');
    const readAt = Date.now();
    await call('XREADGROUP', 'GROUP', 'grp', 'alice', 'STREAMS', 'g', '>');
    const pending = (await call('XPENDING', 'g', 'grp', '-', '+', 10)) as Pending;
    const withoutIdle = pending.map(([entry, owner, , count]) => [entry, owner, count]);
    expect(withoutIdle).toEqual([
      ['1-1', 'alice', 1],
      ['2-1', 'alice', 1],
    ]);
    for (const [, , idle] of pending) expect(idle).toBeGreaterThanOrEqual(0);
    await sleep(40);
    expect(await call('XPENDING', 'g', 'grp', 'IDLE', 30, '-', '+', 10)).toHaveLength(2);
    expect(await call('XPENDING', 'g', 'grp', 'IDLE', 60_000, '-', '+', 10)).toEqual([]);

    const consumers = (await call('XINFO', 'CONSUMERS', 'g', 'grp')) as unknown[][];
    expect(consumers).toHaveLength(1);
    const [name, alice, pendingLabel, count, idleLabel, idle] = consumers[0]!;
    expect([name, alice, pendingLabel, count, idleLabel]).toEqual(['name', 'alice', 'pending', 2, 'idle']);
    expect(idle).toBeGreaterThanOrEqual(30);

    const full = (await call('XINFO', 'STREAM', 'g', 'FULL')) as unknown[];
    const group = (full[full.indexOf('groups') + 1] as unknown[][])[0]!;
    const groupPending = group[group.indexOf('pending') + 1] as Pending;
    expect(groupPending[0]![2]).toBeGreaterThanOrEqual(readAt);
    const consumer = (group[group.indexOf('consumers') + 1] as unknown[][])[0]!;
    expect(consumer.filter((_, i) => i % 2 === 0)).toEqual(['name', 'seen-time', 'pel-count', 'pending']);
    expect(consumer[consumer.indexOf('seen-time') + 1]).toBeGreaterThanOrEqual(readAt);
  });

  it('XCLAIM and XAUTOCLAIM respect the minimum idle time, and IDLE and TIME set the delivery time', async () => {
    await call('XADD', 'c', '1-1', 'a', '1');
    await call('XADD', 'c', '2-1', 'b', '2');
    await call('XGROUP', 'CREATE', 'c', 'grp', '0');
    await call('XREADGROUP', 'GROUP', 'grp', 'alice', 'STREAMS', 'c', '>');
    expect(await call('XCLAIM', 'c', 'grp', 'bob', 60_000, '1-1', 'JUSTID')).toEqual([]);
    expect(await call('XAUTOCLAIM', 'c', 'grp', 'bob', 60_000, '0')).toEqual(['0-0', [], []]);
    await sleep(30);
    expect(await call('XCLAIM', 'c', 'grp', 'bob', 20, '1-1', 'IDLE', 500_000)).toEqual([['1-1', ['a', '1']]]);
    const [, owner, idle, deliveries] = await onePending('1-1');
    expect([owner, deliveries]).toEqual(['bob', 2]);
    expect(idle).toBeGreaterThanOrEqual(500_000);
    await call('XCLAIM', 'c', 'grp', 'carol', 0, '1-1', 'TIME', Date.now() - 100_000, 'JUSTID');
    const [, , idleAfterTime] = await onePending('1-1');
    expect(idleAfterTime).toBeGreaterThanOrEqual(100_000);
    expect(idleAfterTime).toBeLessThan(500_000);
    expect(await call('XAUTOCLAIM', 'c', 'grp', 'dave', 50_000, '0', 'JUSTID')).toEqual(['0-0', ['1-1'], []]);
    expect(await call('XAUTOCLAIM', 'c', 'grp', 'dave', 20, '0', 'JUSTID')).toEqual(['0-0', ['2-1'], []]);
  });

  it('a stream is a key like any other: SCAN TYPE, EXPIRE, DEL', async () => {
    await call('XADD', 'k', '1-1', 'f', 'v');
    expect(await call('SCAN', 0, 'TYPE', 'stream')).toEqual(['0', expect.arrayContaining(['k', 'g', 'c', 'auto'])]);
    expect(await call('TYPE', 'k')).toBe('stream');
    expect(await call('PEXPIRE', 'k', 20)).toBe(1);
    await sleep(40);
    expect(await call('EXISTS', 'k')).toBe(0);
    expect(await call('XLEN', 'k')).toBe(0);
    await call('XADD', 'k', '1-1', 'f', 'v');
    expect(await call('DEL', 'k')).toBe(1);
    expect(await call('XRANGE', 'k', '-', '+')).toEqual([]);
  });
});

const id = (ms: bigint, seq: bigint) => ({ ms, seq });

describe("stream ids (string2ull's leniency included)", () => {
  it('parse full, incomplete and lenient forms as Redis does', () => {
    expect(parseStrictId('5-3')).toEqual(id(5n, 3n));
    expect(parseStrictId('5')).toEqual(id(5n, 0n));
    expect(parseRangeEnd('5')).toEqual(id(5n, U64_MAX));
    expect(parseStrictId(' 7-01')).toEqual(id(7n, 1n));
    expect(parseStrictId('+7-+2')).toEqual(id(7n, 2n));
    expect(parseStrictId('18446744073709551615-18446744073709551615')).toEqual(id(U64_MAX, U64_MAX));
    expect(parseIdWith('9-*', 0n, true, true)).toEqual({ id: id(9n, 0n), seqGiven: false });
  });

  it('refuse what Redis refuses', () => {
    const refused = ['-', '+', '', 'x', '1-x', '-1', '1--1', '1-*', '18446744073709551616', '1-2-3', '1'.repeat(128)];
    for (const text of refused) {
      expect(() => parseStrictId(text), text).toThrow('ERR Invalid stream ID specified as stream command argument');
    }
  });

  it('open ranges step to the neighbouring id, and fail past the ends', () => {
    expect(parseRangeStart('(1-5')).toEqual(id(1n, 6n));
    expect(parseRangeStart('(1-18446744073709551615')).toEqual(id(2n, 0n));
    expect(parseRangeEnd('(2-0')).toEqual(id(1n, U64_MAX));
    expect(parseRangeEnd('(2')).toEqual(id(2n, U64_MAX - 1n));
    expect(parseRangeStart('-')).toEqual(id(0n, 0n));
    expect(() => parseRangeStart('(-')).toThrow('Invalid stream ID');
    expect(() => parseRangeEnd('(0-0')).toThrow('ERR invalid end ID for the interval');
    expect(() => parseRangeStart('(18446744073709551615-18446744073709551615')).toThrow('ERR invalid start ID');
    expect(nextId(id(U64_MAX, U64_MAX))).toBeUndefined();
    expect(previousId(id(0n, 0n))).toBeUndefined();
  });

  it('compare and print as unsigned 64-bit pairs', () => {
    expect(compareIds(id(1n, U64_MAX), id(2n, 0n))).toBe(-1);
    expect(compareIds(id(2n, 1n), id(2n, 1n))).toBe(0);
    expect(formatId(id(U64_MAX, 0n))).toBe('18446744073709551615-0');
  });
});

describe('cloneStream (for COPY)', () => {
  it('copies entries, nodes and groups, sharing nothing with the original', () => {
    const original = createStream();
    appendEntry(original, id(1n, 1n), ['f', 'v']);
    appendEntry(original, id(2n, 1n), ['f', 'w']);
    const group = createGroup(id(2n, 1n), 2);
    original.groups.set('g', group);
    const alice = createConsumer(group, 'alice');
    const nack = { id: id(1n, 1n), consumer: null, deliveryTime: 1, deliveryCount: 1 };
    group.pending.set('1-1', nack);
    assignPending(nack, alice);

    const copy = cloneStream(original);
    const copiedGroup = copy.groups.get('g')!;
    expect(copiedGroup.pending.get('1-1')).toBe(copiedGroup.consumers.get('alice')!.pending.get('1-1'));
    expect(copiedGroup.pending.get('1-1')!.consumer).toBe(copiedGroup.consumers.get('alice'));
    expect(copy.entries[0]!.node).toBe(copy.nodes[0]);

    deleteEntry(copy, id(1n, 1n));
    copiedGroup.pending.clear();
    copiedGroup.consumers.clear();
    expect(original.entries).toHaveLength(2);
    expect(original.nodes[0]).toMatchObject({ live: 2, deleted: 0 });
    expect(group.pending.size).toBe(1);
    expect(alice.pending.size).toBe(1);
  });
});
