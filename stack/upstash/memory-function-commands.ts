// Redis functions (FUNCTION, FCALL, FCALL_RO) and read-only scripts (EVAL_RO, EVALSHA_RO) for the
// in-memory backend, on its Lua engine, with Redis 7's replies and errors (checked against real
// Redis by upstash-backends-agree.test.ts). FUNCTION DUMP and RESTORE (Redis's RDB format) are
// refused with a pointer to REDIS_URL.
import { librariesOf } from './lua-functions';
import { splitArguments } from './memory-scripts';
import { type MemoryCommand, wrongArity } from './memory-store';
import { type Reply, ReplyError } from './redis-backend';

/** FUNCTION HELP's lines between its first and its HELP entry, as Redis 7.0.15 words them. */
const HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

const UNSUPPORTED = (subcommand: string) =>
  new ReplyError(
    `ERR FUNCTION ${subcommand} is not supported by the in-memory backend; start the stack with REDIS_URL=redis://… (a real Redis)`,
  );

/** FUNCTION's subcommands: their arity (with FUNCTION and the subcommand, as COMMAND INFO gives it) and run. */
const SUBCOMMANDS: Record<
  string,
  { arity: number; run: (store: Parameters<MemoryCommand['run']>[0], args: string[], name: string) => Reply }
> = {
  LOAD: {
    arity: -3,
    run({ lua }, args) {
      const options = args.slice(0, -1);
      const unknown = options.find((option) => option.toUpperCase() !== 'REPLACE');
      if (unknown !== undefined) throw new ReplyError(`ERR Unknown option given: ${unknown}`);
      return Buffer.from(librariesOf(lua).load(args[args.length - 1]!, options.length > 0));
    },
  },
  DELETE: {
    arity: 3,
    run({ lua }, [name = '']) {
      librariesOf(lua).delete(name);
      return 'OK';
    },
  },
  FLUSH: {
    arity: -2,
    run({ lua }, args, name) {
      if (args.length > 1) {
        throw new ReplyError(
          `ERR unknown subcommand or wrong number of arguments for '${name.slice(0, 128)}'. Try FUNCTION HELP.`,
        );
      }
      if (args.length === 1 && !['SYNC', 'ASYNC'].includes(args[0]!.toUpperCase())) {
        throw new ReplyError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
      }
      librariesOf(lua).flush();
      return 'OK';
    },
  },
  LIST: {
    arity: -2,
    run({ lua }, args) {
      let withCode = false;
      let pattern: string | null = null;
      for (let i = 0; i < args.length; i++) {
        const arg = args[i]!;
        if (!withCode && arg.toUpperCase() === 'WITHCODE') withCode = true;
        else if (pattern === null && arg.toUpperCase() === 'LIBRARYNAME') {
          if (i >= args.length - 1) throw new ReplyError('ERR library name argument was not given');
          pattern = args[++i]!;
        } else throw new ReplyError(`ERR Unknown argument ${arg}`);
      }
      return librariesOf(lua).list(pattern, withCode);
    },
  },
  STATS: { arity: 2, run: ({ lua }) => librariesOf(lua).stats() },
  // Commands run one at a time, so no function is running when FUNCTION KILL arrives.
  KILL: {
    arity: 2,
    run: () => {
      throw new ReplyError('NOTBUSY No scripts in execution right now.');
    },
  },
  DUMP: {
    arity: 2,
    run: () => {
      throw UNSUPPORTED('DUMP');
    },
  },
  RESTORE: {
    arity: -3,
    run: () => {
      throw UNSUPPORTED('RESTORE');
    },
  },
  HELP: {
    arity: 2,
    run: () => [
      'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      ...HELP,
      'HELP',
      '    Prints this help.',
    ],
  },
};

/** FCALL and FCALL_RO. */
function fcall(readOnly: boolean): MemoryCommand {
  return {
    arity: -3,
    run: ({ lua }, [name = '', numKeys = '', ...rest]) => librariesOf(lua).call(name, numKeys, rest, readOnly),
  };
}

const commands = new Map<string, MemoryCommand>([
  [
    'EVAL_RO',
    {
      arity: -3,
      run({ lua }, [script = '', ...args]) {
        const { keys, argv } = splitArguments(args);
        return lua.run(lua.load(script), keys, argv, { readOnly: true, redisErrors: true });
      },
    },
  ],
  [
    'EVALSHA_RO',
    {
      arity: -3,
      run({ lua }, [sha = '', ...args]) {
        const { keys, argv } = splitArguments(args);
        return lua.run(sha, keys, argv, { readOnly: true, redisErrors: true });
      },
    },
  ],
  [
    'FUNCTION',
    {
      arity: -2,
      run(store, [name = '', ...args]) {
        const subcommand = SUBCOMMANDS[name.toUpperCase()];
        if (!subcommand) throw new ReplyError(`ERR unknown subcommand '${name.slice(0, 128)}'. Try FUNCTION HELP.`);
        const count = args.length + 2;
        if (subcommand.arity >= 0 ? count !== subcommand.arity : count < -subcommand.arity) {
          throw wrongArity(`function|${name.toLowerCase()}`);
        }
        return subcommand.run(store, args, name);
      },
    },
  ],
  ['FCALL', fcall(false)],
  ['FCALL_RO', fcall(true)],
]);
export const functionCommands: ReadonlyMap<string, MemoryCommand> = commands;
