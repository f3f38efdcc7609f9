// The part of fengari (Lua 5.3 in JavaScript, no typings of its own) that lua-engine.ts uses.
// Names and meanings are the C API's (https://www.lua.org/manual/5.3/manual.html#4); Lua strings
// are byte arrays, and a JavaScript string given where one is expected is UTF-8 encoded.
declare module 'fengari' {
  /** A `lua_State *`: opaque. */
  export interface LuaState {
    readonly __luaState: unique symbol;
  }
  /** A C function: reads its arguments from the stack, pushes its results, returns how many. */
  export type LuaJsFunction = (L: LuaState) => number;
  type LuaString = Uint8Array | string;

  export const lua: {
    LUA_OK: number;
    LUA_REGISTRYINDEX: number;
    /** The registry slot of the table that new chunks get as their globals (`_ENV`). */
    LUA_RIDX_GLOBALS: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;

    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, index: number): void;
    lua_pop(L: LuaState, count: number): void;
    lua_pushvalue(L: LuaState, index: number): void;
    lua_type(L: LuaState, index: number): number;

    lua_pushnil(L: LuaState): void;
    lua_pushboolean(L: LuaState, value: boolean): void;
    /** Fengari's integers are 32-bit: `value` must fit. */
    lua_pushinteger(L: LuaState, value: number): void;
    lua_pushnumber(L: LuaState, value: number): void;
    lua_pushstring(L: LuaState, value: LuaString): void;
    lua_pushjsfunction(L: LuaState, fn: LuaJsFunction): void;
    lua_pushglobaltable(L: LuaState): void;

    lua_toboolean(L: LuaState, index: number): boolean;
    lua_tonumber(L: LuaState, index: number): number;
    /** The string's bytes (converting a number in place), or null for other types. */
    lua_tolstring(L: LuaState, index: number): Uint8Array | null;

    lua_createtable(L: LuaState, arraySize: number, recordSize: number): void;
    lua_getfield(L: LuaState, index: number, key: LuaString): number;
    lua_setfield(L: LuaState, index: number, key: LuaString): void;
    lua_rawget(L: LuaState, index: number): number;
    lua_rawset(L: LuaState, index: number): void;
    lua_rawgeti(L: LuaState, index: number, n: number): number;
    lua_rawseti(L: LuaState, index: number, n: number): void;
    lua_next(L: LuaState, index: number): number;
    lua_setglobal(L: LuaState, name: LuaString): void;

    lua_pcall(L: LuaState, argCount: number, resultCount: number, handlerIndex: number): number;
    lua_error(L: LuaState): never;
  };

  export const lauxlib: {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, source: Uint8Array, size: number, chunkName: LuaString): number;
    luaL_requiref(L: LuaState, name: LuaString, open: LuaJsFunction, global: boolean): void;
    luaL_ref(L: LuaState, table: number): number;
    luaL_unref(L: LuaState, table: number, ref: number): void;
  };

  export const lualib: {
    luaopen_base: LuaJsFunction;
    luaopen_coroutine: LuaJsFunction;
    luaopen_math: LuaJsFunction;
    luaopen_string: LuaJsFunction;
    luaopen_table: LuaJsFunction;
  };
}
