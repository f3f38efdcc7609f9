// The backend used when no Redis is configured: ioredis-mock behind Redis's own rules.
import { randomUUID } from 'node:crypto';
import RedisMock from 'ioredis-mock';
import { LuaEngine } from './lua-engine';
import { bitCommands } from './memory-bit-commands';
import { dataCommands } from './memory-commands';
import { functionCommands } from './memory-function-commands';
import { geoCommands } from './memory-geo-commands';
import { hashCommands } from './memory-hash-commands';
import { hyperLogLogCommands } from './memory-hyperloglog-commands';
import { keyCommands } from './memory-key-commands';
import { listCommands } from './memory-list-commands';
import { moreCommands } from './memory-more-commands';
import { scriptCommands } from './memory-scripts';
import { setCommands } from './memory-set-commands';
import { sortedSetCommands } from './memory-sorted-set-commands';
import { type MemoryCommand, type MemoryStore, wrongArity } from './memory-store';
import { streamCommands } from './memory-stream-commands';
import { stringCommands } from './memory-string-commands';
import { PubSubHub } from './pubsub';
import { execAbort, type RedisBackend, type Reply, ReplyError } from './redis-backend';
import { createSyncMock } from './sync-mock';

const commands: ReadonlyMap<string, MemoryCommand> = new Map([
  ...dataCommands,
  ...keyCommands,
  ...stringCommands,
  ...hashCommands,
  ...setCommands,
  ...sortedSetCommands,
  ...listCommands,
  ...bitCommands,
  ...hyperLogLogCommands,
  ...geoCommands,
  ...streamCommands,
  ...moreCommands,
  ...functionCommands,
  ...scriptCommands,
]);

/** The command to run, or why Redis would refuse it before running anything. */
function lookUp([name = '', ...args]: readonly string[]): MemoryCommand | 'unknown' | 'wrong arity' {
  const command = commands.get(name.toUpperCase());
  if (!command) return 'unknown';
  const count = args.length + 1;
  const arityOk = command.arity >= 0 ? count === command.arity : count >= -command.arity;
  return arityOk ? command : 'wrong arity';
}

/** The command to run, or the error Redis gives before running anything (and that aborts a MULTI). */
function resolveCommand(command: readonly string[]): MemoryCommand | ReplyError {
  const name = command[0] ?? '';
  const found = lookUp(command);
  if (found === 'unknown') {
    return new ReplyError(
      `ERR unknown command '${name}': the in-memory backend supports the commands listed in stack/upstash/README.md; for every Redis command, start the stack with REDIS_URL=redis://… (a real Redis)`,
    );
  }
  return found === 'wrong arity' ? wrongArity(name.toLowerCase()) : found;
}

/** The same commands for a script's redis.call(), with the errors Redis gives a script. */
function resolveScriptCommand(command: readonly string[]): MemoryCommand | ReplyError {
  if (scriptCommands.has((command[0] ?? '').toUpperCase())) {
    return new ReplyError('ERR This Redis command is not allowed from script');
  }
  const found = lookUp(command);
  if (found === 'unknown') return new ReplyError('ERR Unknown Redis command called from script');
  if (found === 'wrong arity') return new ReplyError('ERR Wrong number of args calling Redis command from script');
  return found;
}

function execute(store: MemoryStore, resolved: MemoryCommand | ReplyError, command: readonly string[]): Reply {
  if (resolved instanceof ReplyError) return resolved;
  try {
    return resolved.run(store, command.slice(1));
  } catch (error) {
    if (error instanceof ReplyError) return error;
    // The mock's own checks throw Redis-style messages ("WRONGTYPE …", "ERR syntax error").
    const message = error instanceof Error ? error.message : String(error);
    return new ReplyError(/^[A-Z]+ /.test(message) ? message : `ERR ${message}`);
  }
}

/** An isolated in-memory Redis: each call gets its own empty data set. */
export function createMemoryBackend(): RedisBackend {
  // ioredis-mock shares data between instances of the same host:port/db; a unique host isolates this one.
  const redis = new RedisMock({ host: `upstash-memory-${randomUUID()}` });
  const store: MemoryStore = {
    redis: createSyncMock(redis),
    lua: new LuaEngine((command) => execute(store, resolveScriptCommand(command), command)),
    pubsub: new PubSubHub(),
  };

  // Every command runs synchronously, so a batch runs whole, like a request on Redis's single
  // thread: a transaction never interleaves with other commands.
  function runAll(batch: readonly string[][]): Reply[] {
    return batch.map((command) => execute(store, resolveCommand(command), command));
  }

  return {
    pipeline: async (batch) => runAll(batch),
    transaction: async (batch) => {
      const queueError = batch.map(resolveCommand).find((resolved) => resolved instanceof ReplyError);
      return queueError ? execAbort(queueError) : runAll(batch);
    },
    subscribe: async (kind, names, onEvent) => store.pubsub.subscribe(kind, names, onEvent),
    close: async () => {
      await redis.flushall();
      redis.disconnect();
    },
  };
}
