// Consumer group commands for the in-memory backend (XGROUP, XACK, XPENDING), with Redis 7's replies
// and errors; XREADGROUP is in memory-stream-read-commands.ts, XCLAIM and XAUTOCLAIM in
// memory-stream-claim-commands.ts.

import { commandTable } from './memory-store';
import {
  bytes,
  checkSubcommand,
  groupOf,
  helpReply,
  parseLongLong,
  readStream,
  subcommandSyntaxError,
  writableStream,
} from './memory-stream-access';
import { ReplyError } from './redis-backend';
import {
  byId,
  byName,
  createConsumer,
  createGroup,
  forgetPending,
  INVALID_ENTRIES_READ,
  pendingKey,
} from './stream-group';
import {
  compareIds,
  idReply,
  MIN_ID,
  parseId,
  parseRangeEnd,
  parseRangeStart,
  parseStrictId,
  type StreamId,
} from './stream-id';

const { commands, define } = commandTable();
export const streamGroupCommands = commands;

const XGROUP_ARITIES = { CREATE: -5, SETID: -5, DESTROY: 4, CREATECONSUMER: 5, DELCONSUMER: 5, HELP: 2 };
const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

/** XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER|HELP …, checked in xgroupCommand's order. */
define('XGROUP', -2, ({ redis }, args) => {
  const subcommand = checkSubcommand('XGROUP', args, XGROUP_ARITIES);
  if (subcommand === 'HELP') return helpReply('XGROUP', XGROUP_HELP);
  const [, key = '', groupName = '', third = '', ...options] = args;
  let mkStream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  // Only CREATE and SETID have room for options: the others' arity leaves none.
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toUpperCase();
    if (subcommand === 'CREATE' && option === 'MKSTREAM') mkStream = true;
    else if (option === 'ENTRIESREAD' && i + 1 < options.length) {
      entriesRead = parseLongLong(options[++i]!);
      if (entriesRead < 0 && entriesRead !== INVALID_ENTRIES_READ) {
        throw new ReplyError('ERR value for ENTRIESREAD must be positive or -1');
      }
    } else throw subcommandSyntaxError(args[0]!, 'XGROUP');
  }
  let stream = readStream(redis, key);
  const group = stream?.groups.get(groupName);
  if (!mkStream) {
    if (!stream) {
      throw new ReplyError(
        'ERR The XGROUP subcommand requires the key to exist. ' +
          'Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
    }
    if (!group && ['SETID', 'CREATECONSUMER', 'DELCONSUMER'].includes(subcommand)) {
      throw new ReplyError(`NOGROUP No such consumer group '${groupName}' for key name '${key}'`);
    }
  }
  const argCount = args.length + 1;
  if (subcommand === 'CREATE' && argCount <= 8) {
    const id = third === '$' ? (stream?.lastId ?? MIN_ID) : parseStrictId(third);
    stream ??= writableStream(redis, key);
    if (stream.groups.has(groupName)) throw new ReplyError('BUSYGROUP Consumer Group name already exists');
    stream.groups.set(groupName, createGroup(id, entriesRead));
    return 'OK';
  }
  if (subcommand === 'SETID' && (argCount === 5 || argCount === 7)) {
    group!.lastId = third === '$' ? stream!.lastId : parseId(third);
    group!.entriesRead = entriesRead;
    return 'OK';
  }
  if (subcommand === 'DESTROY') return stream!.groups.delete(groupName) ? 1 : 0;
  if (subcommand === 'CREATECONSUMER') {
    if (group!.consumers.has(third)) return 0;
    createConsumer(group!, third);
    return 1;
  }
  if (subcommand === 'DELCONSUMER') {
    const consumer = group!.consumers.get(third);
    if (!consumer) return 0;
    const pending = consumer.pending.size;
    for (const nack of consumer.pending.values()) group!.pending.delete(pendingKey(nack.id));
    group!.consumers.delete(third);
    return pending;
  }
  throw subcommandSyntaxError(args[0]!, 'XGROUP');
});

/** XACK key group id [id …]: ids are checked only when the group exists. */
define('XACK', -4, ({ redis }, [key = '', groupName = '', ...idTexts]) => {
  const group = readStream(redis, key)?.groups.get(groupName);
  if (!group) return 0;
  const ids = idTexts.map((text) => parseStrictId(text));
  let acknowledged = 0;
  for (const id of ids) {
    const nack = group.pending.get(pendingKey(id));
    if (!nack) continue;
    forgetPending(group, nack);
    acknowledged++;
  }
  return acknowledged;
});

/** XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
define('XPENDING', -3, ({ redis }, [key = '', groupName = '', ...rest]) => {
  const argCount = rest.length + 3;
  if (argCount !== 3 && (argCount < 6 || argCount > 9)) throw new ReplyError('ERR syntax error');
  let range: { start: StreamId; end: StreamId; count: number; minIdle: number; consumer?: string } | undefined;
  if (argCount >= 6) {
    let at = 0;
    let minIdle = 0;
    if (rest[0]!.toUpperCase() === 'IDLE') {
      minIdle = parseLongLong(rest[1]!);
      if (argCount < 8) throw new ReplyError('ERR syntax error');
      at = 2;
    }
    const count = Math.max(0, parseLongLong(rest[at + 2]!));
    const start = parseRangeStart(rest[at]!);
    const end = parseRangeEnd(rest[at + 1]!);
    range = { start, end, count, minIdle, consumer: rest[at + 3] };
  }
  const group = groupOf(readStream(redis, key), key, groupName);
  if (!range) {
    const pending = byId(group.pending);
    if (pending.length === 0) return [0, null, null, null];
    const owners = byName(group.consumers).filter(([, consumer]) => consumer.pending.size > 0);
    return [
      pending.length,
      idReply(pending[0]!.id),
      idReply(pending.at(-1)!.id),
      owners.map(([name, consumer]) => [bytes(name), bytes(String(consumer.pending.size))]),
    ];
  }
  let source = group.pending;
  if (range.consumer !== undefined) {
    const consumer = group.consumers.get(range.consumer);
    if (!consumer) return [];
    source = consumer.pending;
  }
  const now = Date.now();
  const { start, end, minIdle } = range;
  return byId(source)
    .filter(
      ({ id, deliveryTime }) =>
        compareIds(id, start) >= 0 && compareIds(id, end) <= 0 && (!minIdle || now - deliveryTime >= minIdle),
    )
    .slice(0, range.count)
    .map(({ id, consumer, deliveryTime, deliveryCount }) => [
      idReply(id),
      bytes(consumer!.name),
      Math.max(0, now - deliveryTime),
      deliveryCount,
    ]);
});
