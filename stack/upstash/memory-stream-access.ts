// What the in-memory stream commands share: finding or making the stream at a key, Redis's
// long long arguments, and the shape of an entry in a reply.
import { type Reply, ReplyError } from './redis-backend';
import { parseLongLong as parseLongLongExactly } from './redis-integers';
import { expectType, STREAM, streamAt } from './stored-structures';
import { createStream, type Stream, type StreamEntry } from './stream';
import type { ConsumerGroup } from './stream-group';
import { idReply } from './stream-id';
import type { SyncMock } from './sync-mock';

/** The stream at `key` for reading: WRONGTYPE for another type, undefined when there is none. */
export function readStream(redis: SyncMock, key: string): Stream | undefined {
  expectType(redis, key, 'stream');
  return streamAt(redis, key);
}

/** The stream at `key`, made (empty) when missing. */
export function writableStream(redis: SyncMock, key: string): Stream {
  const stream = readStream(redis, key);
  if (stream) return stream;
  const created = createStream();
  redis.setRaw(key, { [STREAM]: created });
  return created;
}

/**
 * Redis's getLongLongFromObjectOrReply: a strict 64-bit integer. Beyond 2^53 the number is
 * approximate, which changes nothing for counts, lengths and times.
 */
export function parseLongLong(text: string, error = 'ERR value is not an integer or out of range'): number {
  return Number(parseLongLongExactly(text, error));
}

/** [id, [field, value, …]] */
export function entryReply(entry: StreamEntry): Reply {
  return [idReply(entry.id), entry.fields.map((text) => Buffer.from(text))];
}

export const bytes = (text: string) => Buffer.from(text);

/** The group a command works on, or the NOGROUP error most group commands give for a missing key or group. */
export function groupOf(stream: Stream | undefined, key: string, groupName: string): ConsumerGroup {
  const group = stream?.groups.get(groupName);
  if (!group) throw new ReplyError(`NOGROUP No such key '${key}' or consumer group '${groupName}'`);
  return group;
}

/** Redis's reply for a subcommand with options it does not take. */
export function subcommandSyntaxError(subcommand: string, command: string): ReplyError {
  return new ReplyError(
    `ERR unknown subcommand or wrong number of arguments for '${subcommand}'. Try ${command} HELP.`,
  );
}

/** Redis checks a container command's subcommand and its arity before running it. */
export function checkSubcommand(command: string, args: string[], arities: Record<string, number>): string {
  const name = (args[0] ?? '').toUpperCase();
  const arity = arities[name];
  if (arity === undefined) throw new ReplyError(`ERR unknown subcommand '${args[0]}'. Try ${command} HELP.`);
  const count = args.length + 1;
  if (arity >= 0 ? count !== arity : count < -arity) {
    throw new ReplyError(`ERR wrong number of arguments for '${command.toLowerCase()}|${name.toLowerCase()}' command`);
  }
  return name;
}

/** HELP's reply: status lines, as addReplyHelp gives them. */
export function helpReply(command: string, lines: string[]): Reply {
  const title = `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`;
  return [title, ...lines, 'HELP', '    Prints this help.'];
}
