// XREAD and XREADGROUP for the in-memory backend, as Redis 7's xreadCommand serves them without
// blocking (the REST endpoint refuses BLOCK; a script reaching here with BLOCK gets Redis's error).

import type { MemoryCommand } from './memory-store';
import { bytes, entryReply, parseLongLong, readStream } from './memory-stream-access';
import { type Reply, ReplyError } from './redis-backend';
import { entriesBetween, findEntry, type Stream } from './stream';
import {
  activeConsumer,
  assignPending,
  byId,
  type Consumer,
  type ConsumerGroup,
  pendingKey,
  recordDelivery,
} from './stream-group';
import { compareIds, idReply, MAX_ID, MIN_ID, nextId, parseStrictId, type StreamId } from './stream-id';
import type { SyncMock } from './sync-mock';

const commands = new Map<string, MemoryCommand>();
export const streamReadCommands: ReadonlyMap<string, MemoryCommand> = commands;

interface ReadOptions {
  count: number;
  noAck: boolean;
  group?: { name: string; consumer: string };
  keys: string[];
  idTexts: string[];
}

const onlyForGroups = (option: string) =>
  new ReplyError(`ERR The ${option} option is only supported by XREADGROUP. You called XREAD instead.`);

function parseReadOptions(name: string, args: string[]): ReadOptions {
  const withGroup = name === 'XREADGROUP';
  const options: ReadOptions = { count: 0, noAck: false, keys: [], idTexts: [] };
  let streamsAt: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const more = args.length - i - 1;
    const option = args[i]!.toUpperCase();
    if (option === 'BLOCK' && more > 0) {
      throw new ReplyError(`ERR ${name} command is not allowed with BLOCK option from scripts`);
    } else if (option === 'COUNT' && more > 0) {
      options.count = Math.max(0, parseLongLong(args[++i]!));
    } else if (option === 'STREAMS' && more > 0) {
      streamsAt = i + 1;
      if ((args.length - streamsAt) % 2 !== 0) {
        throw new ReplyError(
          "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be " + 'specified.',
        );
      }
      break;
    } else if (option === 'GROUP' && more >= 2) {
      if (!withGroup) throw onlyForGroups('GROUP');
      options.group = { name: args[i + 1]!, consumer: args[i + 2]! };
      i += 2;
    } else if (option === 'NOACK') {
      if (!withGroup) throw onlyForGroups('NOACK');
      options.noAck = true;
    } else throw new ReplyError('ERR syntax error');
  }
  if (streamsAt === undefined) throw new ReplyError('ERR syntax error');
  if (withGroup && !options.group) throw new ReplyError('ERR Missing GROUP option for XREADGROUP');
  const half = (args.length - streamsAt) / 2;
  options.keys = args.slice(streamsAt, streamsAt + half);
  options.idTexts = args.slice(streamsAt + half);
  return options;
}

/** Each key's stream, group and "after this id" (MAX_ID stands for `>`), checked in order. */
function resolveStreams(redis: SyncMock, options: ReadOptions) {
  return options.keys.map((key, i) => {
    const stream = readStream(redis, key);
    const text = options.idTexts[i]!;
    let group: ConsumerGroup | undefined;
    if (options.group) {
      group = stream?.groups.get(options.group.name);
      if (!stream || !group) {
        throw new ReplyError(
          `NOGROUP No such key '${key}' or consumer group '${options.group.name}' in XREADGROUP with GROUP option`,
        );
      }
    }
    let after: StreamId;
    if (text === '$') {
      if (options.group) {
        throw new ReplyError(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history ' +
            'of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just ' +
            'return an empty result set.',
        );
      }
      after = stream?.lastId ?? MIN_ID;
    } else if (text === '>') {
      if (!options.group) {
        throw new ReplyError(
          'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> ' + '<consumer> option.',
        );
      }
      after = MAX_ID;
    } else after = parseStrictId(text);
    return { key, stream, group, after };
  });
}

/** A consumer's own pending entries from `start`; a deleted one comes as [id, nil]. */
function readHistory(stream: Stream, consumer: Consumer, start: StreamId, count: number): Reply[] {
  const pending = byId(consumer.pending).filter(({ id }) => compareIds(id, start) >= 0);
  return pending.slice(0, count || undefined).map((nack) => {
    const entry = findEntry(stream, nack.id);
    if (!entry) return [idReply(nack.id), null];
    nack.deliveryTime = Date.now();
    nack.deliveryCount++;
    return entryReply(entry);
  });
}

/** New entries for the group: each is delivered to `consumer` (and pending, unless NOACK). */
function deliver(
  stream: Stream,
  group: ConsumerGroup,
  consumer: Consumer,
  start: StreamId,
  count: number,
  noAck: boolean,
): Reply[] {
  return entriesBetween(stream, start, MAX_ID, count, false).map((entry) => {
    recordDelivery(stream, group, entry.id);
    if (!noAck) {
      const key = pendingKey(entry.id);
      const nack = group.pending.get(key) ?? { id: entry.id, consumer: null, deliveryTime: 0, deliveryCount: 0 };
      group.pending.set(key, nack);
      nack.consumer?.pending.delete(key);
      nack.consumer = null;
      assignPending(nack, consumer);
      nack.deliveryTime = Date.now();
      nack.deliveryCount = 1;
    }
    return entryReply(entry);
  });
}

function read(name: string): MemoryCommand['run'] {
  return ({ redis }, args) => {
    const options = parseReadOptions(name, args);
    const replies: Reply[] = [];
    for (const { key, stream, group, after } of resolveStreams(redis, options)) {
      if (!stream) continue;
      const last = stream.entries.at(-1)?.id;
      let from = after;
      const ofHistory = group !== undefined && compareIds(after, MAX_ID) !== 0;
      if (group && !ofHistory) {
        if (!last || compareIds(last, group.lastId) <= 0) continue;
        from = group.lastId;
      } else if (!group && (!last || compareIds(last, after) <= 0)) continue;
      const start = nextId(from) ?? MIN_ID;
      let entries: Reply[];
      if (!group) entries = entriesBetween(stream, start, MAX_ID, options.count, false).map(entryReply);
      else {
        const consumer = activeConsumer(group, options.group!.consumer);
        entries = ofHistory
          ? readHistory(stream, consumer, start, options.count)
          : deliver(stream, group, consumer, start, options.count, options.noAck);
      }
      replies.push([bytes(key), entries]);
    }
    return replies.length > 0 ? replies : null;
  };
}

/** XREAD [COUNT count] STREAMS key [key …] id [id …] */
commands.set('XREAD', { arity: -4, run: read('XREAD') });
/** XREADGROUP GROUP group consumer [COUNT count] [NOACK] STREAMS key [key …] id [id …] */
commands.set('XREADGROUP', { arity: -7, run: read('XREADGROUP') });
