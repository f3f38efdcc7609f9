// Redis functions' libraries for the in-memory backend: FUNCTION LOAD's metadata line, the
// libraries and functions of one data set, and their replies, as Redis 7.0 gives them
// (src/functions.c). The Lua runs on the data set's engine (lua-engine.ts).
import type { LuaEngine } from './lua-engine';
import { isValidName, type RegisteredFunction } from './lua-function-api';
import { globToRegExp } from './pubsub';
import { type Reply, ReplyError } from './redis-backend';
import { splitArgs } from './redis-split-args';
import { runsReadOnly } from './script-shebang';

interface Library {
  name: string;
  /** The whole FUNCTION LOAD payload, shebang line included, as LIST WITHCODE shows it. */
  code: string;
  functions: RegisteredFunction[];
}

const NAME_RULE =
  'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** One data set's libraries, in the order they were loaded (Redis's order is its hash table's). */
export class FunctionLibraries {
  readonly #engine: LuaEngine;
  readonly #libraries = new Map<string, Library>();
  /** Every library's functions by name (names are unique across libraries). */
  readonly #functions = new Map<string, RegisteredFunction>();

  constructor(engine: LuaEngine) {
    this.#engine = engine;
  }

  /** FUNCTION LOAD [REPLACE]: returns the library's name. */
  load(payload: string, replace: boolean): string {
    const { name, code } = parseMetadata(payload);
    const old = this.#libraries.get(name);
    if (old && !replace) throw new ReplyError(`ERR Library '${name}' already exists`);
    const functions = this.#engine.loadLibrary(code);
    const problem =
      functions.length === 0
        ? 'ERR No functions registered'
        : functions
            .map((fn) => this.#functions.get(fn.name))
            .filter((other) => other && !old?.functions.includes(other))
            .map((other) => `ERR Function ${other!.name} already exists`)[0];
    if (problem) {
      this.#engine.release(functions);
      throw new ReplyError(problem);
    }
    if (old) this.#unlink(old);
    this.#libraries.set(name, { name, code: payload, functions });
    for (const fn of functions) this.#functions.set(fn.name, fn);
    return name;
  }

  /** FUNCTION DELETE. */
  delete(name: string): void {
    const library = this.#libraries.get(name);
    if (!library) throw new ReplyError('ERR Library not found');
    this.#unlink(library);
  }

  /** FUNCTION FLUSH. */
  flush(): void {
    for (const library of [...this.#libraries.values()]) this.#unlink(library);
  }

  /** FUNCTION LIST's reply (RESP2: maps as flat arrays); `pattern` is matched without case, as Redis does. */
  list(pattern: string | null, withCode: boolean): Reply {
    const matcher = pattern === null ? null : new RegExp(globToRegExp(pattern).source, 'i');
    return [...this.#libraries.values()]
      .filter((library) => !matcher || matcher.test(library.name))
      .map((library) => [
        Buffer.from('library_name'),
        Buffer.from(library.name),
        Buffer.from('engine'),
        Buffer.from('LUA'),
        Buffer.from('functions'),
        library.functions.map((fn) => [
          Buffer.from('name'),
          Buffer.from(fn.name),
          Buffer.from('description'),
          fn.description === null ? null : Buffer.from(fn.description),
          Buffer.from('flags'),
          [...fn.flags],
        ]),
        ...(withCode ? [Buffer.from('library_code'), Buffer.from(library.code)] : []),
      ]);
  }

  /** FUNCTION STATS's reply, for a data set where no function is ever running when another client asks. */
  stats(): Reply {
    const counts = [
      Buffer.from('libraries_count'),
      this.#libraries.size,
      Buffer.from('functions_count'),
      this.#functions.size,
    ];
    return [Buffer.from('running_script'), null, Buffer.from('engines'), [Buffer.from('LUA'), counts]];
  }

  /** FCALL and FCALL_RO, their arguments checked as Redis checks them. */
  call(name: string, numKeys: string, rest: string[], readOnlyCommand: boolean): Reply {
    const fn = this.#functions.get(name);
    if (!fn) throw new ReplyError('ERR Function not found');
    // Redis's strict integer syntax, within a long long.
    const valid = /^(0|-?[1-9]\d{0,18})$/.test(numKeys) && BigInt.asIntN(64, BigInt(numKeys)) === BigInt(numKeys);
    if (!valid) throw new ReplyError('ERR Bad number of keys provided');
    const keyCount = Number(numKeys);
    if (keyCount > rest.length) throw new ReplyError("ERR Number of keys can't be greater than number of args");
    if (keyCount < 0) throw new ReplyError("ERR Number of keys can't be negative");
    const readOnly = runsReadOnly(fn.flags, readOnlyCommand);
    return this.#engine.callFunction(fn, rest.slice(0, keyCount), rest.slice(keyCount), readOnly);
  }

  #unlink(library: Library): void {
    this.#libraries.delete(library.name);
    for (const fn of library.functions) this.#functions.delete(fn.name);
    this.#engine.release(library.functions);
  }
}

const librariesByEngine = new WeakMap<LuaEngine, FunctionLibraries>();

/** The libraries of the data set whose engine this is. */
export function librariesOf(engine: LuaEngine): FunctionLibraries {
  let libraries = librariesByEngine.get(engine);
  if (!libraries) librariesByEngine.set(engine, (libraries = new FunctionLibraries(engine)));
  return libraries;
}

/**
 * The `#!<engine> name=<library>` line (functionExtractLibMetaData in src/functions.c) and the
 * code after it, which starts with the line's newline so that line numbers count the shebang.
 */
export function parseMetadata(payload: string): { name: string; code: string } {
  if (!payload.startsWith('#!')) throw new ReplyError('ERR Missing library metadata');
  const end = payload.indexOf('\n');
  const parts = end === -1 ? null : splitArgs(payload.slice(0, end));
  if (!parts || parts.length === 0) throw new ReplyError('ERR Invalid library metadata');
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() !== 'name=') throw new ReplyError(`ERR Invalid metadata value given: ${part}`);
    if (name !== null) throw new ReplyError('ERR Invalid metadata value, name argument was given multiple times');
    name = part.slice(5);
  }
  if (name === null) throw new ReplyError('ERR Library name was not given');
  if (!isValidName(name)) throw new ReplyError(`ERR ${NAME_RULE}`);
  const engine = parts[0]!.slice(2);
  if (engine.toUpperCase() !== 'LUA') throw new ReplyError(`ERR Engine '${engine}' not found`);
  return { name, code: payload.slice(end) };
}
