// XINFO STREAM [FULL [COUNT n]], GROUPS and CONSUMERS for the in-memory backend, with Redis 7.0's
// fields (maps come as flat arrays in RESP2).

import type { MemoryCommand } from './memory-store';
import {
  bytes,
  checkSubcommand,
  entryReply,
  helpReply,
  parseLongLong,
  readStream,
  subcommandSyntaxError,
} from './memory-stream-access';
import { type Reply, ReplyError } from './redis-backend';
import { entriesBetween, radixTreeNodes, type Stream } from './stream';
import { byId, byName, type ConsumerGroup, groupLag, INVALID_ENTRIES_READ } from './stream-group';
import { idReply, MAX_ID, MIN_ID } from './stream-id';

const commands = new Map<string, MemoryCommand>();
export const streamInfoCommands: ReadonlyMap<string, MemoryCommand> = commands;

const XINFO_ARITIES = { STREAM: -3, GROUPS: 3, CONSUMERS: 4, HELP: 2 };
const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

const label = bytes;
const entriesRead = (group: ConsumerGroup) => (group.entriesRead === INVALID_ENTRIES_READ ? null : group.entriesRead);

function streamCounters(stream: Stream): Reply[] {
  return [
    label('length'),
    stream.entries.length,
    label('radix-tree-keys'),
    stream.nodes.length,
    label('radix-tree-nodes'),
    radixTreeNodes(stream),
    label('last-generated-id'),
    idReply(stream.lastId),
    label('max-deleted-entry-id'),
    idReply(stream.maxDeletedId),
    label('entries-added'),
    stream.entriesAdded,
    label('recorded-first-entry-id'),
    idReply(stream.firstId),
  ];
}

/** FULL's group: its PEL and consumers, each list cut at `count` entries (0: all). */
function fullGroup(stream: Stream, name: string, group: ConsumerGroup, count: number): Reply {
  const upTo = count || undefined;
  const consumers = byName(group.consumers).map(([consumerName, consumer]) => [
    label('name'),
    bytes(consumerName),
    label('seen-time'),
    consumer.seenTime,
    label('pel-count'),
    consumer.pending.size,
    label('pending'),
    byId(consumer.pending)
      .slice(0, upTo)
      .map((nack) => [idReply(nack.id), nack.deliveryTime, nack.deliveryCount]),
  ]);
  return [
    label('name'),
    bytes(name),
    label('last-delivered-id'),
    idReply(group.lastId),
    label('entries-read'),
    entriesRead(group),
    label('lag'),
    groupLag(stream, group),
    label('pel-count'),
    group.pending.size,
    label('pending'),
    byId(group.pending)
      .slice(0, upTo)
      .map((nack) => [idReply(nack.id), bytes(nack.consumer!.name), nack.deliveryTime, nack.deliveryCount]),
    label('consumers'),
    consumers,
  ];
}

function streamInfo(stream: Stream, subcommand: string, options: string[]): Reply {
  if (options.length === 0) {
    const first = stream.entries[0];
    const last = stream.entries.at(-1);
    return [
      ...streamCounters(stream),
      label('groups'),
      stream.groups.size,
      label('first-entry'),
      first ? entryReply(first) : null,
      label('last-entry'),
      last ? entryReply(last) : null,
    ];
  }
  const countGiven = options.length === 3;
  if (
    (options.length !== 1 && !countGiven) ||
    options[0]!.toUpperCase() !== 'FULL' ||
    (countGiven && options[1]!.toUpperCase() !== 'COUNT')
  ) {
    throw subcommandSyntaxError(subcommand, 'XINFO');
  }
  let count = countGiven ? parseLongLong(options[2]!) : 10;
  if (count < 0) count = 10;
  return [
    ...streamCounters(stream),
    label('entries'),
    entriesBetween(stream, MIN_ID, MAX_ID, count, false).map(entryReply),
    label('groups'),
    byName(stream.groups).map(([name, group]) => fullGroup(stream, name, group, count)),
  ];
}

/** XINFO STREAM key [FULL [COUNT count]] | GROUPS key | CONSUMERS key group | HELP */
commands.set('XINFO', {
  arity: -2,
  run: ({ redis }, args) => {
    const subcommand = checkSubcommand('XINFO', args, XINFO_ARITIES);
    if (subcommand === 'HELP') return helpReply('XINFO', XINFO_HELP);
    const [, key = '', ...rest] = args;
    const stream = readStream(redis, key);
    if (!stream) throw new ReplyError('ERR no such key');
    if (subcommand === 'STREAM') return streamInfo(stream, args[0]!, rest);
    if (subcommand === 'GROUPS') {
      return byName(stream.groups).map(([name, group]) => [
        label('name'),
        bytes(name),
        label('consumers'),
        group.consumers.size,
        label('pending'),
        group.pending.size,
        label('last-delivered-id'),
        idReply(group.lastId),
        label('entries-read'),
        entriesRead(group),
        label('lag'),
        groupLag(stream, group),
      ]);
    }
    const groupName = rest[0]!;
    const group = stream.groups.get(groupName);
    if (!group) throw new ReplyError(`NOGROUP No such consumer group '${groupName}' for key name '${key}'`);
    const now = Date.now();
    return byName(group.consumers).map(([name, consumer]) => [
      label('name'),
      bytes(name),
      label('pending'),
      consumer.pending.size,
      label('idle'),
      Math.max(0, now - consumer.seenTime),
    ]);
  },
});
