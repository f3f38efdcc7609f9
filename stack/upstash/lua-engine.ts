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
//   any other command is unknown to it, and EVAL, EVALSHA and SCRIPT are not allowed.
// - Globals are read-only, as in Redis 7: setting one, or a field of a library table, is an
//   error, and so is reading an undefined one. Library tables are read-only views, which
//   pairs() sees as empty.
// - No time limit: a script that never ends blocks the endpoint (Redis would answer BUSY to
//   other clients and accept SCRIPT KILL). No `#!lua` shebang line.
// - A failing script answers `ERR Error running script: <message>`, where Redis 7 answers
//   `<message> script: <sha>, on @user_script:<line>.`
import { createHash } from 'node:crypto';
import { lauxlib, lua, lualib, type LuaJsFunction, type LuaState } from 'fengari';
import { errorText, luaText, pushReply, pushReplyTable, pushStringArray, readCommand, toReply } from './lua-values';
import { ReplyError, type Reply } from './redis-backend';

/** Runs one command for redis.call(); an error reply comes back as a value. */
export type ScriptCommandRunner = (command: string[]) => Reply;

const { LUA_OK, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS, LUA_TSTRING } = lua;
const CHUNK_NAME = Buffer.from('@user_script'); // messages read "user_script:1: …", as in Redis
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

/** Runs once, with the real globals as _ENV; returns the read-only view scripts get instead. */
const SANDBOX = `
local globals, load, rawset, setmetatable, error, tostring = _G, load, rawset, setmetatable, error, tostring
local views = setmetatable({}, { __mode = 'k' })
local function readonly(t)
  local view = setmetatable({}, {
    __index = t,
    __newindex = function() error('Attempt to modify a readonly table', 2) end,
    __metatable = false,
  })
  views[view] = true
  return view
end

-- Redis's Lua has no files, no print, and no precompiled chunks.
dofile, loadfile, print = nil, nil, nil
function globals.load(chunk, name) return load(chunk, name, 't') end
loadstring, unpack = globals.load, table.unpack -- their Lua 5.1 names
function globals.rawset(t, key, value)
  if views[t] then error('Attempt to modify a readonly table', 2) end
  return rawset(t, key, value)
end
for _, name in ipairs({ 'coroutine', 'math', 'redis', 'string', 'table' }) do
  globals[name] = readonly(globals[name])
end
globals._G = readonly(globals)
setmetatable(globals, {
  __index = function(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
})
return globals._G
`;

function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}

/** Compiled scripts and the Lua state they run in, for one data set. Not reentrant. */
export class LuaEngine {
  readonly #L = lauxlib.luaL_newstate();
  readonly #runCommand: ScriptCommandRunner;
  /** Registry references of the compiled scripts, by lowercase SHA-1. */
  readonly #scripts = new Map<string, number>();
  /** Registry reference of the real globals table, where each call's KEYS and ARGV go. */
  readonly #globals: number;

  constructor(runCommand: ScriptCommandRunner) {
    this.#runCommand = runCommand;
    const L = this.#L;
    for (const [name, open] of LIBRARIES) {
      lauxlib.luaL_requiref(L, name, open, true);
      lua.lua_pop(L, 1);
    }
    const redis: [string, LuaJsFunction][] = [
      ['call', (thread) => this.#call(thread, true)],
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
    if (status !== LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== LUA_OK) throw new Error(`The Lua sandbox failed: ${errorText(L)}`);
    // Chunks compiled from now on, scripts and load() alike, see the read-only view as globals.
    lua.lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  }

  /** Compiles `script` unless it already is; returns its SHA-1. A syntax error is thrown as Redis words it. */
  load(script: string): string {
    const sha = sha1(script);
    if (this.#scripts.has(sha)) return sha;
    const L = this.#L;
    const source = Buffer.from(script);
    if (lauxlib.luaL_loadbuffer(L, source, source.length, CHUNK_NAME) !== LUA_OK) {
      const message = errorText(L);
      lua.lua_settop(L, 0);
      throw new ReplyError(`ERR Error compiling script (new function): ${message}`);
    }
    this.#scripts.set(sha, lauxlib.luaL_ref(L, LUA_REGISTRYINDEX));
    return sha;
  }

  has(sha: string): boolean {
    return this.#scripts.has(sha.toLowerCase());
  }

  /** Runs a loaded script with fresh KEYS and ARGV tables, as Redis gives each call. */
  run(sha: string, keys: readonly string[], args: readonly string[]): Reply {
    const script = this.#scripts.get(sha.toLowerCase());
    if (script === undefined) throw new ReplyError('NOSCRIPT No matching script. Please use EVAL.');
    const L = this.#L;
    try {
      lua.lua_rawgeti(L, LUA_REGISTRYINDEX, this.#globals);
      pushStringArray(L, keys);
      lua.lua_setfield(L, -2, KEYS);
      pushStringArray(L, args);
      lua.lua_setfield(L, -2, ARGV);
      lua.lua_rawgeti(L, LUA_REGISTRYINDEX, script);
      if (lua.lua_pcall(L, 0, 1, 0) !== LUA_OK) throw new ReplyError(`ERR Error running script: ${errorText(L)}`);
      return toReply(L);
    } finally {
      lua.lua_settop(L, 0);
    }
  }

  /** SCRIPT FLUSH: forgets every script. */
  flush(): void {
    for (const ref of this.#scripts.values()) lauxlib.luaL_unref(this.#L, LUA_REGISTRYINDEX, ref);
    this.#scripts.clear();
  }

  /** redis.call() raises an error reply as a Lua error; redis.pcall() returns it as `{err=…}`. */
  #call(L: LuaState, raise: boolean): number {
    const command = readCommand(L);
    let reply: Reply;
    try {
      reply = command instanceof ReplyError ? command : this.#runCommand(command);
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
