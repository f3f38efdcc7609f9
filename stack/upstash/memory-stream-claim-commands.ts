// XCLAIM and XAUTOCLAIM for the in-memory backend: pending entries change owner, with Redis 7's
// replies and errors (XAUTOCLAIM's reply ends with the ids of deleted entries it dropped).

import { commandTable } from './memory-store';
import { entryReply, groupOf, parseLongLong, readStream } from './memory-stream-access';
import { type Reply, ReplyError } from './redis-backend';
import { findEntry } from './stream';
import {
  activeConsumer,
  assignPending,
  byId,
  type ConsumerGroup,
  forgetPending,
  type PendingEntry,
  pendingKey,
} from './stream-group';
import { compareIds, idReply, MIN_ID, parseRangeStart, parseStrictId, type StreamId } from './stream-id';

const { commands, define } = commandTable();
export const streamClaimCommands = commands;

/** Gives a pending entry to `consumerName` now, as XCLAIM and XAUTOCLAIM do. */
function claim(
  group: ConsumerGroup,
  nack: PendingEntry,
  consumerName: string,
  deliveryTime: number,
  count: number | null,
): void {
  const consumer = activeConsumer(group, consumerName);
  assignPending(nack, consumer);
  nack.deliveryTime = deliveryTime;
  if (count !== null) nack.deliveryCount = count;
}

const invalidOption = (option: string) => `ERR Invalid ${option} option argument for XCLAIM`;

/**
 * XCLAIM key group consumer min-idle-time id [id …] [IDLE ms] [TIME unix-ms] [RETRYCOUNT n] [FORCE] [JUSTID]
 * [LASTID id]
 */
define('XCLAIM', -6, ({ redis }, [key = '', groupName = '', consumerName = '', minIdleText = '', ...rest]) => {
  const stream = readStream(redis, key);
  const group = groupOf(stream, key, groupName);
  const minIdle = Math.max(0, parseLongLong(minIdleText, 'ERR Invalid min-idle-time argument for XCLAIM'));
  const ids: StreamId[] = [];
  let j = 0;
  for (; j < rest.length; j++) {
    try {
      ids.push(parseStrictId(rest[j]!));
    } catch {
      break;
    }
  }
  const now = Date.now();
  let deliveryTime = -1;
  let retryCount = -1;
  let force = false;
  let justId = false;
  let lastId = MIN_ID;
  for (; j < rest.length; j++) {
    const option = rest[j]!.toUpperCase();
    const more = j + 1 < rest.length;
    if (option === 'FORCE') force = true;
    else if (option === 'JUSTID') justId = true;
    else if (option === 'IDLE' && more) deliveryTime = now - parseLongLong(rest[++j]!, invalidOption('IDLE'));
    else if (option === 'TIME' && more) deliveryTime = parseLongLong(rest[++j]!, invalidOption('TIME'));
    else if (option === 'RETRYCOUNT' && more) {
      retryCount = parseLongLong(rest[++j]!, invalidOption('RETRYCOUNT'));
    } else if (option === 'LASTID' && more) lastId = parseStrictId(rest[++j]!);
    else throw new ReplyError(`ERR Unrecognized XCLAIM option '${rest[j]}'`);
  }
  if (compareIds(lastId, group.lastId) > 0) group.lastId = lastId;
  if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  const claimed: Reply[] = [];
  for (const id of ids) {
    let nack = group.pending.get(pendingKey(id));
    const entry = findEntry(stream!, id);
    if (!entry) {
      if (nack) forgetPending(group, nack);
      continue;
    }
    if (force && !nack) {
      nack = { id, consumer: null, deliveryTime: now, deliveryCount: 1 };
      group.pending.set(pendingKey(id), nack);
    }
    if (!nack) continue;
    if (nack.consumer && minIdle && now - nack.deliveryTime < minIdle) continue;
    const count = retryCount >= 0 ? retryCount : justId ? null : nack.deliveryCount + 1;
    claim(group, nack, consumerName, deliveryTime, count);
    claimed.push(justId ? idReply(id) : entryReply(entry));
  }
  return claimed;
});

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]: Redis 7's reply with the deleted ids. */
define('XAUTOCLAIM', -6, ({ redis }, args) => {
  const [key = '', groupName = '', consumerName = '', minIdleText = '', startText = '', ...rest] = args;
  const minIdle = Math.max(0, parseLongLong(minIdleText, 'ERR Invalid min-idle-time argument for XAUTOCLAIM'));
  const start = parseRangeStart(startText);
  let count = 100;
  let justId = false;
  for (let j = 0; j < rest.length; j++) {
    const option = rest[j]!.toUpperCase();
    if (option === 'COUNT' && j + 1 < rest.length) {
      count = parseLongLong(rest[++j]!, 'ERR COUNT must be > 0');
      if (count < 1 || count > Number(((1n << 63n) - 1n) / 16n)) throw new ReplyError('ERR COUNT must be > 0');
    } else if (option === 'JUSTID') justId = true;
    else throw new ReplyError('ERR syntax error');
  }
  const stream = readStream(redis, key);
  const group = groupOf(stream, key, groupName);
  const pending = byId(group.pending).filter(({ id }) => compareIds(id, start) >= 0);
  const now = Date.now();
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let attempts = count * 10;
  let next = 0;
  for (; next < pending.length && attempts > 0 && count > 0; next++, attempts--) {
    const nack = pending[next]!;
    const entry = findEntry(stream!, nack.id);
    if (!entry) {
      forgetPending(group, nack);
      deleted.push(idReply(nack.id));
      count--;
      continue;
    }
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    claim(group, nack, consumerName, now, justId ? null : nack.deliveryCount + 1);
    claimed.push(justId ? idReply(nack.id) : entryReply(entry));
    count--;
  }
  return [idReply(pending[next]?.id ?? MIN_ID), claimed, deleted];
});
