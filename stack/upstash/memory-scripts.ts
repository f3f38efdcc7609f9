// EVAL, EVALSHA and SCRIPT for the in-memory backend. ioredis-mock runs the Lua (fengari);
// SCRIPT is not in the mock at all, so the script cache lives here.
import { createHash } from 'node:crypto';
import { ReplyError, type Reply } from './redis-backend';
import { parseInteger, wrongArity, type MemoryCommand, type MemoryStore } from './memory-store';

const MOCK_ERROR_PREFIX = 'Error trying to loading or executing lua code string in VM: ';

function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}

async function runScript({ redis }: MemoryStore, script: string, [numKeys = '', ...args]: string[]): Promise<Reply> {
  const keyCount = parseInteger(numKeys);
  if (keyCount < 0) throw new ReplyError("ERR Number of keys can't be negative");
  if (keyCount > args.length) throw new ReplyError("ERR Number of keys can't be greater than number of args");
  let result: unknown;
  try {
    result = await redis.eval(script, keyCount, ...args);
  } catch (error) {
    const detail = String(error instanceof Error ? error.message : error).replace(MOCK_ERROR_PREFIX, '');
    // The mock loses the message of a failing redis.call() and reports "null".
    throw new ReplyError(`ERR Error running script: ${detail === 'null' ? 'a redis.call() failed' : detail}`);
  }
  return luaToReply(result);
}

/** Redis's Lua-to-RESP conversion, applied to what the mock hands back as JS values. */
function luaToReply(value: unknown): Reply {
  if (typeof value === 'string') return Buffer.from(value);
  if (typeof value === 'number') return Math.trunc(value); // Lua numbers become integers, truncated
  if (value === true) return 1;
  if (value === false || value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(luaToReply);
  // A table with string keys reaches JS as a proxy of an already closed Lua state.
  return new ReplyError('ERR the in-memory backend cannot return Lua tables with string keys, such as {ok=…} or {err=…}');
}

export const scriptCommands: ReadonlyMap<string, MemoryCommand> = new Map<string, MemoryCommand>([
  [
    'EVAL',
    {
      arity: -3,
      async run(store, [script = '', ...args]) {
        store.scripts.set(sha1(script), script); // Redis caches EVAL'd scripts for EVALSHA too
        return runScript(store, script, args);
      },
    },
  ],
  [
    'EVALSHA',
    {
      arity: -3,
      async run(store, [sha = '', ...args]) {
        const script = store.scripts.get(sha.toLowerCase());
        if (script === undefined) throw new ReplyError('NOSCRIPT No matching script. Please use EVAL.');
        return runScript(store, script, args);
      },
    },
  ],
  [
    'SCRIPT',
    {
      arity: -2,
      async run({ scripts }, [subcommand = '', ...args]) {
        switch (subcommand.toUpperCase()) {
          case 'LOAD': {
            if (args.length !== 1) throw wrongArity('script|load');
            const script = args[0]!;
            const digest = sha1(script);
            scripts.set(digest, script);
            return Buffer.from(digest);
          }
          case 'EXISTS':
            if (args.length === 0) throw wrongArity('script|exists');
            return args.map((digest) => (scripts.has(digest.toLowerCase()) ? 1 : 0));
          default:
            throw new ReplyError(`ERR unknown subcommand '${subcommand}'. Try SCRIPT HELP.`);
        }
      },
    },
  ],
]);
