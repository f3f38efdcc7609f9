// The in-memory backend's Lua: one fengari state per data set, where each script is compiled once
// and kept by its SHA-1, so EVAL and EVALSHA cost a function call rather than a new interpreter.
//
// Limits, next to Redis 7's Lua 5.1:
// - The language is Lua 5.3 (fengari 0.1.5). Integers are a subtype of number, and 32-bit:
//   larger ones are floats, exact up to 2^53, which string.format('%d') refuses. Floats print
//   as "5.0" (`tostring(10/2)`, `'n' .. 10/2`) where Redis prints "5"; numbers given to
//   redis.call() are printed as Redis prints them. 5.3 syntax (`//`, bitwise operators) compiles.
//   `unpack` and `loadstring` keep their 5.1 names; there is no `bit`, `cjson`, `cmsgpack`,
//   `struct`, `getfenv` or `setfenv`.
// - The redis table has call, pcall, error_reply, status_reply, sha1hex, log (which discards)
//   and the LOG_* levels; not setresp, set_repl, replicate_commands, breakpoint, debug,
//   acl_check_cmd or REDIS_VERSION.
// - redis.call() runs the backend's own commands (memory-commands.ts), their checks included;
//   any other command is unknown to it. Commands Redis flags `noscript` (EVAL, FCALL, SCRIPT …)
//   are not allowed, and a read-only run (EVAL_RO, FCALL_RO, a `no-writes` script or function) refuses
//   Redis's write commands, as redis-command-flags.ts lists them.
// - Redis functions (lua-functions.ts): a library's code runs once, at FUNCTION LOAD, seeing only
//   redis.register_function, redis.log and the LOG_* levels; its functions then run like
//   scripts, given (keys, args) and no KEYS or ARGV. Functions share the scripts' Lua state
//   (Redis has one per engine), which read-only globals make unobservable.
// - Globals are read-only, as in Redis 7: setting one, or a field of a library table, is an
//   error, and so is reading an undefined one. Library tables are read-only views, which
//   pairs() sees as empty.
// - No time limit: a script that never ends blocks the endpoint (Redis would answer BUSY to
//   other clients and accept SCRIPT KILL).
// - A script may start with Redis 7's `#!lua flags=…` line (script-shebang.ts), Upstash's
//   `allow-key-locking` flag accepted; `no-writes` makes it read-only, and a `*_RO` command
//   refuses a shebang script without that flag, as Redis does. The other flags change nothing
//   on a single node without maxmemory or replicas.
// - A failing script or function answers as Redis 7 does (`<message> script: <sha>, on
//   @user_script:<line>.`, `redisErrors`), the line being that of the innermost user code on the stack.
//   Lua 5.3's messages are not always 5.1's ("attempt to call a nil value (field 'x')").
import { createHash } from 'node:crypto';
import { type LuaJsFunction, type LuaState, lauxlib, lua, lualib } from 'fengari';
import {
  errorLocation,
  FUNCTION_CHUNK,
  type RegisteredFunction,
  raisedBy,
  registerFunction,
  SCRIPT_CHUNK,
  setEnvironment,
} from './lua-function-api';
import { SANDBOX } from './lua-sandbox';
import { errorText, luaText, pushReply, pushReplyTable, pushStringArray, readCommand, toReply } from './lua-values';
import { type Reply, ReplyError } from './redis-backend';
import { scriptRefusal } from './redis-command-flags';
import { parseScriptShebang, runsReadOnly } from './script-shebang';

/** Runs one command for redis.call(); an error reply comes back as a value. */
export type ScriptCommandRunner = (command: string[]) => Reply;

const { LUA_OK, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS, LUA_TSTRING, LUA_TTABLE } = lua;
const CHUNK_NAME = Buffer.from(SCRIPT_CHUNK); // messages read "user_script:1: …", as in Redis
const KEYS = Buffer.from('KEYS');
const ARGV = Buffer.from('ARGV');

const LIBRARIES: [string, LuaJsFunction][] = [
  ['_G', lualib.luaopen_base],
  ['coroutine', lualib.luaopen_coroutine],
  ['math', lualib.luaopen_math],
  ['string', lualib.luaopen_string],
  ['table', lualib.luaopen_table],
];

const LOG_LEVELS = { LOG_DEBUG: 0, LOG_VERBOSE: 1, LOG_NOTICE: 2, LOG_WARNING: 3 };

/** How a script or function runs. */
export interface RunOptions {
  /**
   * Refuses Redis's write commands, as EVAL_RO, FCALL_RO and `no-writes` functions do. For run():
   * the command is EVAL_RO or EVALSHA_RO, which also refuse a shebang script not flagged `no-writes`.
   */
  readOnly?: boolean;
  /** Fails as Redis 7 does (`<message> script: <name>, on @user_script:<line>.`), not `ERR Error running script: …`. */
  redisErrors?: boolean;
}

function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}

/** A compiled script: its registry reference, and its shebang's flags (null: none). */
interface CompiledScript {
  ref: number;
  flags: string[] | null;
}

/** Compiled scripts and the Lua state they run in, for one data set. Not reentrant. */
export class LuaEngine {
  readonly #L = lauxlib.luaL_newstate();
  readonly #runCommand: ScriptCommandRunner;
  /** The compiled scripts, by lowercase SHA-1 of their whole text (shebang included). */
  readonly #scripts = new Map<string, CompiledScript>();
  /** Registry reference of the real globals table, where each call's KEYS and ARGV go. */
  readonly #globals: number;
  /** Registry references of the `_ENV` of Redis functions: while their library loads, and when they run. */
  readonly #libraryEnv: number;
  readonly #functionEnv: number;
  /** What the library being loaded has registered so far; null outside FUNCTION LOAD. */
  #registering: RegisteredFunction[] | null = null;
  /** Whether the current run refuses write commands. */
  #readOnly = false;
  /** Whether the current run failed on redis.call()'s own raise (a string here, an {err=…} table in Redis 7.0). */
  #failedInCall = false;
  /** Where the current run failed, as "@user_script:3", found by its error handler. */
  #failedAt: string | null = null;

  constructor(runCommand: ScriptCommandRunner) {
    this.#runCommand = runCommand;
    const L = this.#L;
    for (const [name, open] of LIBRARIES) {
      lauxlib.luaL_requiref(L, name, open, true);
      lua.lua_pop(L, 1);
    }
    const redis: [string, LuaJsFunction][] = [
      ['call', this.#raisingCall],
      ['pcall', (thread) => this.#call(thread, false)],
      ['error_reply', replyTable('err')],
      ['status_reply', replyTable('ok')],
      ['sha1hex', sha1hex],
      ['log', () => 0],
    ];
    lua.lua_createtable(L, 0, redis.length + Object.keys(LOG_LEVELS).length);
    for (const [name, fn] of redis) {
      lua.lua_pushjsfunction(L, fn);
      lua.lua_setfield(L, -2, name);
    }
    for (const [name, level] of Object.entries(LOG_LEVELS)) {
      lua.lua_pushinteger(L, level);
      lua.lua_setfield(L, -2, name);
    }
    lua.lua_setglobal(L, 'redis');

    lua.lua_pushglobaltable(L);
    this.#globals = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
    const sandbox = Buffer.from(SANDBOX);
    const status = lauxlib.luaL_loadbuffer(L, sandbox, sandbox.length, '=sandbox');
    lua.lua_pushjsfunction(L, this.#register);
    if (status !== LUA_OK || lua.lua_pcall(L, 1, 3, 0) !== LUA_OK)
      throw new Error(`The Lua sandbox failed: ${errorText(L)}`);
    this.#functionEnv = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
    this.#libraryEnv = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
    // Chunks compiled from now on, scripts and load() alike, see the read-only view as globals.
    lua.lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  }

  /** Compiles `script` unless it already is; returns its SHA-1. A bad shebang or syntax error is thrown as Redis words it. */
  load(script: string): string {
    const sha = sha1(script);
    if (this.#scripts.has(sha)) return sha;
    const { flags, code } = parseScriptShebang(script);
    const L = this.#L;
    const source = Buffer.from(code);
    if (lauxlib.luaL_loadbuffer(L, source, source.length, CHUNK_NAME) !== LUA_OK) {
      const message = errorText(L);
      lua.lua_settop(L, 0);
      throw new ReplyError(`ERR Error compiling script (new function): ${message}`);
    }
    this.#scripts.set(sha, { ref: lauxlib.luaL_ref(L, LUA_REGISTRYINDEX), flags });
    return sha;
  }

  has(sha: string): boolean {
    return this.#scripts.has(sha.toLowerCase());
  }

  /** Runs a loaded script with fresh KEYS and ARGV tables, as Redis gives each call. */
  run(sha: string, keys: readonly string[], args: readonly string[], options: RunOptions = {}): Reply {
    const script = this.#scripts.get(sha.toLowerCase());
    if (script === undefined) throw new ReplyError('NOSCRIPT No matching script. Please use EVAL.');
    const readOnly = runsReadOnly(script.flags, options.readOnly ?? false);
    const L = this.#L;
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, this.#globals);
    pushStringArray(L, keys);
    lua.lua_setfield(L, -2, KEYS);
    pushStringArray(L, args);
    lua.lua_setfield(L, -2, ARGV);
    lua.lua_pop(L, 1);
    return this.#protectedCall(script.ref, [], sha.toLowerCase(), { ...options, readOnly });
  }

  /**
   * FUNCTION LOAD's part: compiles a library's code (after its shebang line) and runs it once,
   * where it registers its functions, which it returns. Throws Redis's errors; keeps nothing then.
   */
  loadLibrary(code: string): RegisteredFunction[] {
    const L = this.#L;
    const source = Buffer.from(code);
    const registered: RegisteredFunction[] = [];
    try {
      if (lauxlib.luaL_loadbuffer(L, source, source.length, FUNCTION_CHUNK) !== LUA_OK) {
        throw new ReplyError(`ERR Error compiling function: ${errorText(L)}`);
      }
      setEnvironment(L, -1, this.#libraryEnv);
      lua.lua_pushvalue(L, -1); // kept: the functions it defines share its _ENV, set below
      this.#registering = registered;
      if (lua.lua_pcall(L, 0, 0, 0) !== LUA_OK) {
        const message = lua.lua_type(L, -1) === LUA_TTABLE ? errorText(L) : `ERR ${errorText(L)}`;
        this.release(registered);
        throw new ReplyError(`ERR Error registering functions: ${message}`);
      }
      setEnvironment(L, -1, this.#functionEnv);
      return registered;
    } finally {
      this.#registering = null;
      lua.lua_settop(L, 0);
    }
  }

  /** FCALL and FCALL_RO: runs a registered function with its (keys, args) tables. */
  callFunction(fn: RegisteredFunction, keys: readonly string[], args: readonly string[], readOnly: boolean): Reply {
    return this.#protectedCall(fn.ref, [keys, args], fn.name, { readOnly, redisErrors: true });
  }

  /** Forgets functions of a deleted or replaced library. */
  release(functions: readonly RegisteredFunction[]): void {
    for (const fn of functions) lauxlib.luaL_unref(this.#L, LUA_REGISTRYINDEX, fn.ref);
  }

  /** Calls the function under `ref` in the registry with string arrays as arguments; `name` is what Redis's errors call it. */
  #protectedCall(
    ref: number,
    args: (readonly string[])[],
    name: string,
    { readOnly = false, redisErrors = false }: RunOptions,
  ): Reply {
    const L = this.#L;
    this.#readOnly = readOnly;
    this.#failedInCall = false;
    this.#failedAt = null;
    try {
      if (redisErrors) lua.lua_pushjsfunction(L, this.#locateError);
      const handler = lua.lua_gettop(L);
      lua.lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
      for (const items of args) pushStringArray(L, items);
      if (lua.lua_pcall(L, args.length, 1, redisErrors ? handler : 0) !== LUA_OK) {
        throw redisErrors ? this.#redisFailure(name) : new ReplyError(`ERR Error running script: ${errorText(L)}`);
      }
      return toReply(L);
    } finally {
      this.#readOnly = false;
      lua.lua_settop(L, 0);
    }
  }

  /** The error handler of runs with `redisErrors`: notes where the error happened, keeps the error. */
  readonly #locateError = (L: LuaState): number => {
    this.#failedAt = errorLocation(L);
    this.#failedInCall = raisedBy(L, this.#raisingCall);
    return 1;
  };

  /** Redis 7.0's reply to a failed run (luaCallFunction in src/script_lua.c), from the error on top of the stack. */
  #redisFailure(name: string): ReplyError {
    const L = this.#L;
    const type = lua.lua_type(L, -1);
    // An {err=…} table is the reply as is, and so is what redis.call() raised (such a table in Redis).
    const text = errorText(L).replace(/[\r\n]/g, ' ');
    const message = type === LUA_TTABLE || (type === LUA_TSTRING && this.#failedInCall) ? text : `ERR ${text}`;
    return new ReplyError(this.#failedAt === null ? message : `${message} script: ${name}, on ${this.#failedAt}.`);
  }

  /** redis.call(). */
  readonly #raisingCall = (L: LuaState): number => this.#call(L, true);

  /** redis.register_function(), refused as Redis refuses it (an {err=…} table raised). */
  readonly #register = (L: LuaState): number => {
    const refusal = registerFunction(L, this.#registering);
    if (refusal === null) return 0;
    pushReplyTable(L, 'err', `ERR ${refusal}`);
    return lua.lua_error(L);
  };

  /** SCRIPT FLUSH: forgets every script. */
  flush(): void {
    for (const { ref } of this.#scripts.values()) lauxlib.luaL_unref(this.#L, LUA_REGISTRYINDEX, ref);
    this.#scripts.clear();
  }

  /** redis.call() raises an error reply as a Lua error; redis.pcall() returns it as `{err=…}`. */
  #call(L: LuaState, raise: boolean): number {
    const command = readCommand(L);
    let reply: Reply;
    try {
      if (command instanceof ReplyError) reply = command;
      else {
        // Refusals the backend cannot know of: `noscript` commands, and writes in a read-only run.
        const refusal = scriptRefusal(command, this.#readOnly);
        reply = refusal === null ? this.#runCommand(command) : new ReplyError(refusal);
      }
    } catch (error) {
      // A JavaScript exception must not unwind through fengari's frames: it would lose the error.
      reply = new ReplyError(`ERR ${error instanceof Error ? error.message : String(error)}`);
    }
    if (raise && reply instanceof ReplyError) {
      // Redis 7.0 raises the text itself: a script's own pcall() catches a string.
      lua.lua_pushstring(L, Buffer.from(reply.message));
      return lua.lua_error(L);
    }
    pushReply(L, reply);
    return 1;
  }
}

/** redis.status_reply(text) and redis.error_reply(text). A bad argument gives an error table, not a raise. */
function replyTable(field: 'ok' | 'err'): LuaJsFunction {
  return (L) => {
    if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== LUA_TSTRING) {
      pushReplyTable(L, 'err', 'ERR wrong number or type of arguments');
    } else {
      const text = lua.lua_tolstring(L, 1)!;
      pushReplyTable(L, field, field === 'ok' ? text : withErrorCode(luaText(text)));
    }
    return 1;
  };
}

/** As Redis reads an error_reply() text: "-CODE message" or "CODE message"; one word alone gets ERR. */
function withErrorCode(text: string): string {
  const body = text.startsWith('-') ? text.slice(1) : text;
  const space = body.indexOf(' ');
  const trim = (message: string) => message.replace(/^[\r\n]+|[\r\n]+$/g, '');
  return space === -1 ? `ERR ${trim(body)}` : `${body.slice(0, space)} ${trim(body.slice(space + 1))}`;
}

function sha1hex(L: LuaState): number {
  if (lua.lua_gettop(L) !== 1) {
    lua.lua_pushstring(L, 'ERR wrong number of arguments');
    return lua.lua_error(L);
  }
  const bytes = lua.lua_tolstring(L, 1) ?? new Uint8Array(); // numbers count as their text
  lua.lua_pushstring(L, Buffer.from(createHash('sha1').update(bytes).digest('hex')));
  return 1;
}
