// Values crossing between a script and Redis, converted as Redis converts them
// (https://redis.io/docs/latest/develop/interact/programmability/lua-api/#data-type-conversion).
import { type LuaState, lua } from 'fengari';
import { type Reply, ReplyError } from './redis-backend';

const { LUA_TBOOLEAN, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE } = lua;
const OK_FIELD = Buffer.from('ok');
const ERR_FIELD = Buffer.from('err');
const INT32_MAX = 2 ** 31 - 1;
// What C's (long long) cast of an infinite, NaN or out-of-range double gives on x86-64.
const LONG_LONG_MIN = -(2 ** 63);
const utf8 = new TextDecoder(); // faster than a Buffer view for short strings; same replacement of bad bytes

/** A Lua string's bytes as text (commands take UTF-8 text, as every value over REST is). */
export function luaText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Pushes a one-field table: `{ok=…}` (status reply) or `{err=…}` (error reply). */
export function pushReplyTable(L: LuaState, field: 'ok' | 'err', text: string | Uint8Array): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, typeof text === 'string' ? Buffer.from(text) : text);
  lua.lua_setfield(L, -2, field === 'ok' ? OK_FIELD : ERR_FIELD);
}

/** Pushes strings as a Lua array: KEYS and ARGV. */
export function pushStringArray(L: LuaState, items: readonly string[]): void {
  lua.lua_createtable(L, items.length, 0);
  items.forEach((item, i) => {
    lua.lua_pushstring(L, Buffer.from(item));
    lua.lua_rawseti(L, -2, i + 1);
  });
}

/**
 * RESP to Lua, for what redis.call() returns: bulk string → string, integer → number,
 * nil → false, array → table, status → `{ok=…}`, error → `{err=…}`.
 */
export function pushReply(L: LuaState, reply: Reply): void {
  if (reply === null) lua.lua_pushboolean(L, false);
  else if (typeof reply === 'number') {
    // Fengari's integers are 32-bit; larger ones travel as floats, exact up to 2^53.
    if (Number.isInteger(reply) && Math.abs(reply) <= INT32_MAX) lua.lua_pushinteger(L, reply);
    else lua.lua_pushnumber(L, reply);
  } else if (typeof reply === 'string') pushReplyTable(L, 'ok', reply);
  else if (reply instanceof ReplyError) pushReplyTable(L, 'err', reply.message);
  else if (Array.isArray(reply)) {
    lua.lua_createtable(L, reply.length, 0);
    reply.forEach((item, i) => {
      pushReply(L, item);
      lua.lua_rawseti(L, -2, i + 1);
    });
  } else lua.lua_pushstring(L, reply);
}

/**
 * Lua to RESP, for what a script returns (the value on top of the stack, left there):
 * string → bulk string, number → integer (truncated), true → 1, false and nil → nil,
 * `{err=…}` → error, `{ok=…}` → status, any other table → its items 1, 2, … up to the first nil.
 */
export function toReply(L: LuaState): Reply {
  switch (lua.lua_type(L, -1)) {
    case LUA_TSTRING:
      return Buffer.from(lua.lua_tolstring(L, -1)!);
    case LUA_TNUMBER: {
      const value = lua.lua_tonumber(L, -1);
      return Math.abs(value) < -LONG_LONG_MIN ? Math.trunc(value) : LONG_LONG_MIN;
    }
    case LUA_TBOOLEAN:
      return lua.lua_toboolean(L, -1) ? 1 : null;
    case LUA_TTABLE:
      return tableToReply(L);
    default:
      return null; // functions, coroutines and userdata, as Redis does
  }
}

function tableToReply(L: LuaState): Reply {
  // An error or status line cannot hold a line break.
  const err = stringField(L, ERR_FIELD);
  if (err !== null) return new ReplyError(oneLine(err));
  const ok = stringField(L, OK_FIELD);
  if (ok !== null) return oneLine(ok);
  const items: Reply[] = [];
  while (lua.lua_rawgeti(L, -1, items.length + 1) !== LUA_TNIL) {
    items.push(toReply(L));
    lua.lua_pop(L, 1);
  }
  lua.lua_pop(L, 1); // the nil that ended the array
  return items;
}

/** What a failed compile or call left on top of the stack: a message, or an `{err=…}` given to error(). */
export function errorText(L: LuaState): string {
  const type = lua.lua_type(L, -1);
  if (type === LUA_TSTRING || type === LUA_TNUMBER) return luaText(lua.lua_tolstring(L, -1)!);
  if (type === LUA_TNIL) return 'nil'; // error() without a message
  const err = type === LUA_TTABLE ? stringField(L, ERR_FIELD) : null;
  return err === null ? 'an error object that is neither a string nor an {err=…} table' : oneLine(err);
}

/** The table's own (raw) field when it is a string, as Redis checks `err` and `ok`. */
function stringField(L: LuaState, name: Uint8Array): Uint8Array | null {
  lua.lua_pushstring(L, name);
  const type = lua.lua_rawget(L, -2);
  const value = type === LUA_TSTRING ? lua.lua_tolstring(L, -1) : null;
  lua.lua_pop(L, 1);
  return value;
}

function oneLine(bytes: Uint8Array): string {
  return luaText(bytes).replace(/[\r\n]/g, ' ');
}

/**
 * The arguments of a redis.call(): strings, or numbers printed as Redis's Lua 5.1 prints them
 * (C's %.17g: `10/2` is "5", `0.1` is "0.10000000000000001"). Anything else is an error.
 */
export function readCommand(L: LuaState): string[] | ReplyError {
  const count = lua.lua_gettop(L);
  if (count === 0) return new ReplyError('ERR Please specify at least one argument for this redis lib call');
  const args: string[] = [];
  for (let i = 1; i <= count; i++) {
    const type = lua.lua_type(L, i);
    if (type === LUA_TSTRING) args.push(luaText(lua.lua_tolstring(L, i)!));
    else if (type === LUA_TNUMBER) args.push(formatNumber(lua.lua_tonumber(L, i)));
    else return new ReplyError('ERR Lua redis lib command arguments must be strings or integers');
  }
  return args;
}

/** C's printf("%.17g"). */
function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const [mantissa = '', exponentText = ''] = value.toExponential(16).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 17) {
    const sign = exponent < 0 ? '-' : '+';
    return `${trimZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trimZeros(value.toFixed(16 - exponent));
}

function trimZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}
