// Shapes and argument rules shared by the in-memory backend's commands.
import type { LuaEngine } from './lua-engine';
import type { PubSubHub } from './pubsub';
import { type Reply, ReplyError } from './redis-backend';
import type { SyncMock } from './sync-mock';

/** What commands act on: the mock's data, read and written synchronously, and the scripts. */
export interface MemoryStore {
  redis: SyncMock;
  /** Compiled scripts by SHA-1 (EVAL, EVALSHA, SCRIPT). */
  lua: LuaEngine;
  /** Channels and patterns subscribed to (PUBLISH). */
  pubsub: PubSubHub;
}

export interface MemoryCommand {
  /** Argument count including the command name; negative means "at least", as in COMMAND INFO. */
  arity: number;
  /**
   * Runs with the arguments after the name; an error reply is thrown as a `ReplyError`.
   * Synchronous, so a script's redis.call() can run it and a batch never interleaves with another.
   */
  run(store: MemoryStore, args: string[]): Reply;
}

/** A module's table of commands, and the `define` that fills it. */
export function commandTable(): {
  commands: ReadonlyMap<string, MemoryCommand>;
  define(name: string, arity: number, run: MemoryCommand['run']): void;
} {
  const commands = new Map<string, MemoryCommand>();
  return { commands, define: (name, arity, run) => void commands.set(name, { arity, run }) };
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

/**
 * The first and last index of `start`..`stop` in a sequence of `length` (negative counts from the
 * end), clamped as LRANGE, ZRANGE, GETRANGE and their kin clamp them; first > last means empty.
 */
export function rankRange(length: number, start: number, stop: number): [first: number, last: number] {
  return [Math.max(0, start < 0 ? start + length : start), Math.min(length - 1, stop < 0 ? stop + length : stop)];
}
