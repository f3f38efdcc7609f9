// Shapes and argument rules shared by the in-memory backend's commands.
import type RedisMock from 'ioredis-mock';
import { ReplyError, type Reply } from './redis-backend';

export type MockRedis = InstanceType<typeof RedisMock>;

/** What commands act on: the mock's data and the script cache (SCRIPT LOAD / EVALSHA). */
export interface MemoryStore {
  redis: MockRedis;
  /** Script bodies by lowercase SHA-1. */
  scripts: Map<string, string>;
}

export interface MemoryCommand {
  /** Argument count including the command name; negative means "at least", as in COMMAND INFO. */
  arity: number;
  /** Runs with the arguments after the name; an error reply is thrown as a `ReplyError`. */
  run(store: MemoryStore, args: string[]): Promise<Reply>;
}

export function wrongArity(name: string): ReplyError {
  return new ReplyError(`ERR wrong number of arguments for '${name}' command`);
}

/** Redis's strict integer syntax (no `+`, space or leading zero), within what a JS number holds exactly. */
export function parseInteger(text: string, error = 'ERR value is not an integer or out of range'): number {
  const value = Number(text);
  if (!/^(0|-?[1-9]\d*)$/.test(text) || !Number.isSafeInteger(value)) throw new ReplyError(error);
  return value;
}
