// EVAL, EVALSHA and SCRIPT for the in-memory backend, on its Lua engine (lua-engine.ts).

import { type MemoryCommand, parseInteger, wrongArity } from './memory-store';
import { type Reply, ReplyError } from './redis-backend';

/** numkeys, then the keys and the other arguments; checked before the script is compiled, as Redis does. */
export function splitArguments([numKeys = '', ...args]: string[]): { keys: string[]; argv: string[] } {
  const keyCount = parseInteger(numKeys);
  if (keyCount < 0) throw new ReplyError("ERR Number of keys can't be negative");
  if (keyCount > args.length) throw new ReplyError("ERR Number of keys can't be greater than number of args");
  return { keys: args.slice(0, keyCount), argv: args.slice(keyCount) };
}

export const scriptCommands: ReadonlyMap<string, MemoryCommand> = new Map<string, MemoryCommand>([
  [
    'EVAL',
    {
      arity: -3,
      run({ lua }, [script = '', ...args]) {
        const { keys, argv } = splitArguments(args);
        return lua.run(lua.load(script), keys, argv, { redisErrors: true }); // Redis keeps EVAL'd scripts for EVALSHA too
      },
    },
  ],
  [
    'EVALSHA',
    {
      arity: -3,
      run({ lua }, [sha = '', ...args]) {
        const { keys, argv } = splitArguments(args);
        return lua.run(sha, keys, argv, { redisErrors: true });
      },
    },
  ],
  [
    'SCRIPT',
    {
      arity: -2,
      run({ lua }, [subcommand = '', ...args]): Reply {
        switch (subcommand.toUpperCase()) {
          case 'LOAD':
            if (args.length !== 1) throw wrongArity('script|load');
            return Buffer.from(lua.load(args[0]!));
          case 'EXISTS':
            if (args.length === 0) throw wrongArity('script|exists');
            return args.map((sha) => (lua.has(sha) ? 1 : 0));
          case 'FLUSH':
            if (args.length > 1 || (args[0] !== undefined && !['ASYNC', 'SYNC'].includes(args[0].toUpperCase()))) {
              throw new ReplyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
            }
            lua.flush();
            return 'OK';
          default:
            throw new ReplyError(`ERR unknown subcommand '${subcommand}'. Try SCRIPT HELP.`);
        }
      },
    },
  ],
]);
