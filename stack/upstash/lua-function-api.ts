// The Lua side of Redis functions for the in-memory backend's engine (lua-engine.ts): the
// arguments of redis.register_function(), read and refused as Redis 7.0 reads them
// (src/function_lua.c), and where in the user's code an error happened, for Redis's
// "… script: <name>, on @user_function:<line>." replies.
import { type LuaJsFunction, type LuaState, lauxlib, lua } from 'fengari';
import { luaText } from './lua-values';
import { SCRIPT_FLAGS } from './script-shebang';

/** The part of fengari's API used here and not declared in fengari.d.ts. */
const api = lua as unknown as {
  LUA_TFUNCTION: number;
  lua_Debug: new () => { source: Uint8Array | null; currentline: number };
  lua_getstack(L: LuaState, level: number, ar: object): number;
  lua_getinfo(L: LuaState, what: Uint8Array, ar: object): number;
  lua_setupvalue(L: LuaState, funcIndex: number, n: number): Uint8Array | null;
  lua_tocfunction(L: LuaState, index: number): LuaJsFunction | null;
};

const { LUA_REGISTRYINDEX, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE } = lua;

/** The chunk names of user code, as Redis names them (errors read "user_function:3: …"). */
export const SCRIPT_CHUNK = '@user_script';
export const FUNCTION_CHUNK = '@user_function';

/** A function a library registered; its callback is kept in the Lua registry under `ref`. */
export interface RegisteredFunction {
  name: string;
  ref: number;
  description: string | null;
  /** Among SCRIPT_FLAGS, in their order. */
  flags: string[];
}

/** Redis's rule for library and function names. */
export function isValidName(name: string): boolean {
  return /^[a-zA-Z0-9_]+$/.test(name);
}

/** Sets the `_ENV` (first upvalue) of the function at `index` to the table in the registry under `envRef`. */
export function setEnvironment(L: LuaState, index: number, envRef: number): void {
  const absolute = index < 0 ? lua.lua_gettop(L) + index + 1 : index;
  lua.lua_rawgeti(L, LUA_REGISTRYINDEX, envRef);
  api.lua_setupvalue(L, absolute, 1);
}

/**
 * Where the error being handled happened, as Redis's error handler finds it (the erring function,
 * or its caller when that is a C function): here the innermost frame of user code, as
 * "@user_function:3". Null when no user code is on the stack.
 */
export function errorLocation(L: LuaState): string | null {
  const ar = new api.lua_Debug();
  const what = Buffer.from('Sl');
  for (let level = 1; api.lua_getstack(L, level, ar); level++) {
    api.lua_getinfo(L, what, ar);
    const source = ar.source ? luaText(ar.source) : '';
    if (source === SCRIPT_CHUNK || source === FUNCTION_CHUNK) return `${source}:${ar.currentline}`;
  }
  return null;
}

/**
 * In an error handler: whether the error was raised by `fn` itself, and not by some code that
 * caught it and raised it again (as `error(message, 0)` can).
 */
export function raisedBy(L: LuaState, fn: LuaJsFunction): boolean {
  const ar = new api.lua_Debug();
  if (!api.lua_getstack(L, 1, ar)) return false;
  api.lua_getinfo(L, Buffer.from('f'), ar); // pushes the function
  const raiser = api.lua_tocfunction(L, -1);
  lua.lua_pop(L, 1);
  return raiser === fn;
}

const isString = (L: LuaState, index: number) => [LUA_TSTRING, LUA_TNUMBER].includes(lua.lua_type(L, index));
const isFunction = (L: LuaState, index: number) => lua.lua_type(L, index) === api.LUA_TFUNCTION;
/** A string or number argument's text, without converting a number in place. */
function textAt(L: LuaState, index: number): string {
  lua.lua_pushvalue(L, index);
  const text = luaText(lua.lua_tolstring(L, -1)!);
  lua.lua_pop(L, 1);
  return text;
}

/**
 * redis.register_function(): adds the function to `registering` (the library's so far, null
 * outside FUNCTION LOAD), or returns why Redis refuses it, as its message without ERR.
 */
export function registerFunction(L: LuaState, registering: RegisteredFunction[] | null): string | null {
  if (!registering) return 'redis.register_function can only be called on FUNCTION LOAD command';
  const read = readRegisterArguments(L);
  if (typeof read === 'string') return read;
  let refusal: string | null = null;
  if (!isValidName(read.name)) {
    refusal =
      'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';
  } else if (registering.some((fn) => fn.name === read.name)) refusal = 'Function already exists in the library';
  if (refusal === null) registering.push(read);
  else unref(L, read.ref);
  return refusal;
}

/**
 * redis.register_function's arguments: `(name, callback)` or `{function_name=…, callback=…,
 * description=…, flags={…}}`. The callback is referenced in the registry; a refusal is returned
 * as Redis's message (without its ERR code), with nothing left referenced.
 */
function readRegisterArguments(L: LuaState): RegisteredFunction | string {
  const count = lua.lua_gettop(L);
  if (count < 1 || count > 2) return 'wrong number of arguments to redis.register_function';
  if (count === 2) {
    if (!isString(L, 1)) return 'first argument to redis.register_function must be a string';
    if (!isFunction(L, 2)) return 'second argument to redis.register_function must be a function';
    const name = textAt(L, 1);
    lua.lua_pushvalue(L, 2);
    return { name, ref: lauxRef(L), description: null, flags: [] };
  }
  if (lua.lua_type(L, 1) !== LUA_TTABLE) {
    return 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).';
  }
  let name: string | null = null;
  let description: string | null = null;
  let flags: string[] = [];
  let callback: number | null = null; // its registry reference
  let error: string | null = null;
  lua.lua_pushnil(L);
  while (error === null && lua.lua_next(L, 1) !== 0) {
    // Stack: table, key, value.
    const key = isString(L, -2) ? textAt(L, -2).toLowerCase() : null;
    if (key === null) error = 'named argument key given to redis.register_function is not a string';
    else if (key === 'function_name') {
      if (isString(L, -1)) name = textAt(L, -1);
      else error = 'function_name argument given to redis.register_function must be a string';
    } else if (key === 'description') {
      if (isString(L, -1)) description = textAt(L, -1);
      else error = 'description argument given to redis.register_function must be a string';
    } else if (key === 'callback') {
      if (isFunction(L, -1)) {
        if (callback !== null) unref(L, callback); // given twice, in two cases: the last one counts
        lua.lua_pushvalue(L, -1);
        callback = lauxRef(L);
      } else error = 'callback argument given to redis.register_function must be a function';
    } else if (key === 'flags') {
      const read = lua.lua_type(L, -1) === LUA_TTABLE ? readFlags(L) : null;
      if (read === null)
        error = 'flags argument to redis.register_function must be a table representing function flags';
      else if (read === 'unknown') error = 'unknown flag given';
      else flags = read;
    } else error = 'unknown argument given to redis.register_function';
    lua.lua_pop(L, error === null ? 1 : 2); // the value; on a refusal, the key too
  }
  if (error === null && name === null) error = 'redis.register_function must get a function name argument';
  if (error === null && callback === null) error = 'redis.register_function must get a callback argument';
  if (error !== null || name === null || callback === null) {
    if (callback !== null) unref(L, callback);
    return error!;
  }
  return { name, ref: callback, description, flags };
}

/** The flags table on top of the stack, in SCRIPT_FLAGS order; 'unknown' for anything else in it. */
function readFlags(L: LuaState): string[] | 'unknown' {
  const given = new Set<string>();
  for (let i = 1; lua.lua_rawgeti(L, -1, i) !== LUA_TNIL; i++) {
    const flag = isString(L, -1) ? textAt(L, -1).toLowerCase() : null;
    lua.lua_pop(L, 1);
    if (flag === null || !SCRIPT_FLAGS.includes(flag)) return 'unknown';
    given.add(flag);
  }
  lua.lua_pop(L, 1); // the nil that ended the array
  return SCRIPT_FLAGS.filter((flag) => given.has(flag));
}

/** References the value on top of the stack (popping it) in the registry. */
function lauxRef(L: LuaState): number {
  return lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
}

function unref(L: LuaState, ref: number): void {
  lauxlib.luaL_unref(L, LUA_REGISTRYINDEX, ref);
}
