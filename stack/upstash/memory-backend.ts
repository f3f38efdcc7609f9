// The backend used when no Redis is configured: ioredis-mock behind Redis's own rules.
import { randomUUID } from 'node:crypto';
import RedisMock from 'ioredis-mock';
import { dataCommands } from './memory-commands';
import { scriptCommands } from './memory-scripts';
import { wrongArity, type MemoryCommand, type MemoryStore } from './memory-store';
import { ReplyError, execAbort, type RedisBackend, type Reply } from './redis-backend';

const commands: ReadonlyMap<string, MemoryCommand> = new Map([...dataCommands, ...scriptCommands]);

/** The command to run, or the error Redis gives before running anything (and that aborts a MULTI). */
function resolveCommand([name = '', ...args]: readonly string[]): MemoryCommand | ReplyError {
  const command = commands.get(name.toUpperCase());
  if (!command) {
    return new ReplyError(`ERR unknown command '${name}' (the in-memory backend supports the commands listed in stack/upstash/README.md)`);
  }
  const count = args.length + 1;
  const arityOk = command.arity >= 0 ? count === command.arity : count >= -command.arity;
  return arityOk ? command : wrongArity(name.toLowerCase());
}

async function execute(store: MemoryStore, command: readonly string[]): Promise<Reply> {
  const resolved = resolveCommand(command);
  if (resolved instanceof ReplyError) return resolved;
  try {
    return await resolved.run(store, command.slice(1));
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
  const store: MemoryStore = { redis, scripts: new Map() };

  // One request at a time, like Redis's single thread: a transaction never interleaves with other
  // commands, whether or not the mock settles each command before the next event-loop turn.
  let queue: Promise<unknown> = Promise.resolve();
  function serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  }

  async function runAll(batch: readonly string[][]): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (const command of batch) replies.push(await execute(store, command));
    return replies;
  }

  return {
    pipeline: (batch) => serialized(() => runAll(batch)),
    transaction: (batch) =>
      serialized(async () => {
        const queueError = batch.map(resolveCommand).find((resolved) => resolved instanceof ReplyError);
        return queueError ? execAbort(queueError) : runAll(batch);
      }),
    close: () =>
      serialized(async () => {
        await redis.flushall();
        redis.disconnect();
      }),
  };
}
