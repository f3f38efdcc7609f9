// Streams (XADD, XRANGE, XREAD, consumer groups, …) for the in-memory backend, with Redis 7's replies and errors
// (checked against real Redis by upstash-backends-agree.test.ts). This file has the commands on entries; the others
// are in memory-stream-read-commands.ts (XREAD, XREADGROUP), memory-stream-group-commands.ts (XGROUP, XACK,
// XPENDING), memory-stream-claim-commands.ts (XCLAIM, XAUTOCLAIM) and memory-stream-info.ts (XINFO).

import { commandTable, type MemoryCommand, wrongArity } from './memory-store';
import { entryReply, parseLongLong, readStream, writableStream } from './memory-stream-access';
import { streamClaimCommands } from './memory-stream-claim-commands';
import { streamGroupCommands } from './memory-stream-group-commands';
import { streamInfoCommands } from './memory-stream-info';
import { streamReadCommands } from './memory-stream-read-commands';
import { ReplyError } from './redis-backend';
import { appendEntry, deleteEntry, entriesBetween, refreshFirstId, type TrimOptions, trimStream } from './stream';
import {
  compareIds,
  idReply,
  isZeroId,
  MAX_ID,
  MIN_ID,
  nextId,
  parseIdWith,
  parseRangeEnd,
  parseRangeStart,
  parseStrictId,
  type StreamId,
  U64_MAX,
} from './stream-id';

const { commands, define } = commandTable();

interface AddOrTrimArguments {
  trim?: TrimOptions;
  /** XADD: where the id is (the fields follow), its value unless `*`, and NOMKSTREAM. */
  idIndex: number;
  id?: StreamId;
  seqGiven: boolean;
  noMkStream: boolean;
}

/** Redis's streamParseAddOrTrimArgsOrReply; `args` start with the key. */
function parseAddOrTrim(args: string[], xadd: boolean): AddOrTrimArguments {
  const parsed: AddOrTrimArguments = { idIndex: args.length, seqGiven: true, noMkStream: false };
  let strategy: TrimOptions['strategy'] | undefined;
  let approximate = false;
  let maxLen = 0;
  let minId = MIN_ID;
  let limit: number | undefined;
  let i = 1;
  for (; i < args.length; i++) {
    const more = args.length - 1 - i;
    const option = args[i]!;
    const upper = option.toUpperCase();
    if (xadd && option === '*') break;
    if ((upper === 'MAXLEN' || upper === 'MINID') && more > 0) {
      if (strategy) {
        throw new ReplyError('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      }
      approximate = more >= 2 && args[i + 1] === '~';
      if (more >= 2 && (args[i + 1] === '~' || args[i + 1] === '=')) i++;
      if (upper === 'MAXLEN') {
        maxLen = parseLongLong(args[i + 1]!);
        if (maxLen < 0) throw new ReplyError('ERR The MAXLEN argument must be >= 0.');
      } else minId = parseStrictId(args[i + 1]!);
      strategy = upper === 'MAXLEN' ? 'maxlen' : 'minid';
      i++;
    } else if (upper === 'LIMIT' && more > 0) {
      limit = parseLongLong(args[++i]!);
      if (limit < 0) throw new ReplyError('ERR The LIMIT argument must be >= 0.');
    } else if (xadd && upper === 'NOMKSTREAM') {
      parsed.noMkStream = true;
    } else if (xadd) {
      const { id, seqGiven } = parseIdWith(option, 0n, true, true);
      Object.assign(parsed, { id, seqGiven });
      break;
    } else throw new ReplyError('ERR syntax error');
  }
  parsed.idIndex = i;
  if (limit && !strategy) {
    throw new ReplyError('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  }
  if (!xadd && !strategy) throw new ReplyError('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (limit !== undefined && !approximate) {
    throw new ReplyError('ERR syntax error, LIMIT cannot be used without the special ~ option');
  }
  // Approximate trimming does at most 100 nodes' worth of work unless LIMIT says otherwise.
  if (strategy) parsed.trim = { strategy, maxLen, minId, approximate, limit: limit ?? (approximate ? 100 * 100 : 0) };
  return parsed;
}

/** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value …] */
define('XADD', -5, ({ redis }, args) => {
  const parsed = parseAddOrTrim(args, true);
  const fields = args.slice(parsed.idIndex + 1);
  if (fields.length < 2 || fields.length % 2 === 1) throw wrongArity('xadd');
  if (parsed.id && parsed.seqGiven && isZeroId(parsed.id)) {
    throw new ReplyError('ERR The ID specified in XADD must be greater than 0-0');
  }
  const key = args[0]!;
  if (parsed.noMkStream && !readStream(redis, key)) return null;
  const stream = writableStream(redis, key);
  const last = stream.lastId;
  if (compareIds(last, MAX_ID) === 0) {
    throw new ReplyError('ERR The stream has exhausted the last possible ID, unable to add more items');
  }
  let id: StreamId;
  if (!parsed.id) {
    const now = BigInt(Date.now());
    id = now > last.ms ? { ms: now, seq: 0n } : nextId(last)!;
  } else if (parsed.seqGiven || parsed.id.ms !== last.ms) {
    id = parsed.id;
  } else {
    // Redis answers this exhausted-sequence case with an unrelated error (a stale errno).
    if (last.seq === U64_MAX) throw new ReplyError('ERR Elements are too large to be stored');
    id = { ms: last.ms, seq: last.seq + 1n };
  }
  if (compareIds(id, last) <= 0) {
    throw new ReplyError('ERR The ID specified in XADD is equal or smaller than the target stream top item');
  }
  appendEntry(stream, id, fields);
  if (parsed.trim) trimStream(stream, parsed.trim);
  return idReply(id);
});

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
define('XTRIM', -4, ({ redis }, args) => {
  const { trim } = parseAddOrTrim(args, false);
  const stream = readStream(redis, args[0]!);
  return stream ? trimStream(stream, trim!) : 0;
});

define('XLEN', 2, ({ redis }, [key = '']) => readStream(redis, key)?.entries.length ?? 0);

/** XRANGE key start end [COUNT n] and XREVRANGE key end start [COUNT n]. */
function range(reverse: boolean): MemoryCommand['run'] {
  return ({ redis }, [key = '', first = '', second = '', ...options]) => {
    const start = parseRangeStart(reverse ? second : first);
    const end = parseRangeEnd(reverse ? first : second);
    let count = -1;
    for (let i = 0; i < options.length; i++) {
      if (options[i]!.toUpperCase() !== 'COUNT' || i + 1 >= options.length) throw new ReplyError('ERR syntax error');
      count = Math.max(0, parseLongLong(options[++i]!));
    }
    const stream = readStream(redis, key);
    if (!stream) return [];
    if (count === 0) return null;
    return entriesBetween(stream, start, end, Math.max(count, 0), reverse).map(entryReply);
  };
}
define('XRANGE', -4, range(false));
define('XREVRANGE', -4, range(true));

/** XDEL key id [id …]: every id is checked before anything is deleted. */
define('XDEL', -3, ({ redis }, [key = '', ...idTexts]) => {
  const stream = readStream(redis, key);
  if (!stream) return 0;
  const ids = idTexts.map((text) => parseStrictId(text));
  let deleted = 0;
  for (const id of ids) if (deleteEntry(stream, id)) deleted++;
  if (deleted > 0) refreshFirstId(stream);
  return deleted;
});

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
define('XSETID', -3, ({ redis }, [key = '', idText = '', ...options]) => {
  const id = parseStrictId(idText);
  let entriesAdded = -1;
  let maxDeletedId = MIN_ID;
  for (let i = 0; i < options.length; i += 2) {
    const option = options[i]!.toUpperCase();
    const value = options[i + 1];
    if (option === 'ENTRIESADDED' && value !== undefined) {
      entriesAdded = parseLongLong(value);
      if (entriesAdded < 0) throw new ReplyError('ERR entries_added must be positive');
    } else if (option === 'MAXDELETEDID' && value !== undefined) {
      maxDeletedId = parseStrictId(value);
      if (compareIds(id, maxDeletedId) < 0) {
        throw new ReplyError('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
      }
    } else throw new ReplyError('ERR syntax error');
  }
  const stream = readStream(redis, key);
  if (!stream) throw new ReplyError('ERR no such key');
  const top = stream.entries.at(-1);
  if (top && compareIds(id, top.id) < 0) {
    throw new ReplyError('ERR The ID specified in XSETID is smaller than the target stream top item');
  }
  if (top && entriesAdded !== -1 && stream.entries.length > entriesAdded) {
    throw new ReplyError('ERR The entries_added specified in XSETID is smaller than the target stream length');
  }
  stream.lastId = id;
  if (entriesAdded !== -1) stream.entriesAdded = entriesAdded;
  if (!isZeroId(maxDeletedId)) stream.maxDeletedId = maxDeletedId;
  return 'OK';
});

export const streamCommands: ReadonlyMap<string, MemoryCommand> = new Map([
  ...commands,
  ...streamReadCommands,
  ...streamGroupCommands,
  ...streamClaimCommands,
  ...streamInfoCommands,
]);
