// The `#!lua flags=…` line that may start a script (EVAL, EVAL_RO, SCRIPT LOAD), read as Redis 7.0
// reads it (evalExtractShebangFlags in src/eval.c), and Upstash's `allow-key-locking` flag, which
// Upstash accepts and Redis refuses (@upstash/ratelimit puts it on every script it sends).
import { ReplyError } from './redis-backend';
import { splitArgs } from './redis-split-args';

/** Script flags in Redis's order (scripts_flags_def in src/script.c), as FUNCTION LIST shows them. */
export const SCRIPT_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'];

/** Upstash's own flag: accepted there, meaningless to a single Redis (it does not change how a script runs). */
export const KEY_LOCKING_FLAG = 'allow-key-locking';

/** A script as the in-memory backend compiles and runs it. */
export interface ScriptShebang {
  /** The flags of its shebang; null when it has none, Redis's "eval compatibility mode". */
  flags: string[] | null;
  /** What to compile: without the shebang line, whose newline stays so that line numbers count it. */
  code: string;
}

/** The first line of a script that starts with `#!`, split as Redis splits it (null: an unbalanced quote). */
function readShebang(script: string): { words: string[] | null; end: number } | null {
  if (!script.startsWith('#!')) return null;
  const end = script.indexOf('\n');
  return { words: end === -1 ? null : splitArgs(script.slice(0, end)), end };
}

/** A `flags=a,b` option's names; Redis's sdssplitlen gives none for an empty list, and "" for an empty name. */
function flagNames(option: string): string[] {
  const list = option.slice('flags='.length);
  return list === '' ? [] : list.split(',');
}

/** Reads a script's shebang, refusing it with Redis's errors; `allow-key-locking` is accepted, as Upstash does. */
export function parseScriptShebang(script: string): ScriptShebang {
  const shebang = readShebang(script);
  if (!shebang) return { flags: null, code: script };
  if (shebang.end === -1) throw new ReplyError('ERR Invalid script shebang');
  const [engine, ...options] = shebang.words ?? [];
  if (engine === undefined) throw new ReplyError('ERR Invalid engine in script shebang');
  if (engine !== '#!lua') throw new ReplyError(`ERR Unexpected engine in script shebang: ${engine}`);
  const flags: string[] = [];
  for (const option of options) {
    if (!option.startsWith('flags=')) throw new ReplyError(`ERR Unknown lua shebang option: ${option}`);
    for (const flag of flagNames(option)) {
      if (!SCRIPT_FLAGS.includes(flag) && flag !== KEY_LOCKING_FLAG)
        throw new ReplyError(`ERR Unexpected flag in script shebang: ${flag}`);
      flags.push(flag);
    }
  }
  return { flags, code: script.slice(shebang.end) };
}

/**
 * Whether a script runs read-only (its writes refused), and Redis's refusal to run it at all
 * (scriptPrepareForRun in src/script.c): a `*_RO` command may only run a script without a
 * shebang or one flagged `no-writes`, which is read-only whatever command runs it.
 */
export function runsReadOnly(flags: readonly string[] | null, readOnlyCommand: boolean): boolean {
  if (flags === null) return readOnlyCommand;
  const noWrites = flags.includes('no-writes');
  if (readOnlyCommand && !noWrites)
    throw new ReplyError('ERR Can not execute a script with write flag using *_ro command.');
  return readOnlyCommand || noWrites;
}

/**
 * The script with `flag` taken out of its shebang's `flags=` lists (an option left empty is dropped,
 * so `#!lua flags=allow-key-locking` becomes `#!lua`); the script itself when it does not set that
 * flag. Only the shebang line changes, so line numbers stay.
 */
export function withoutScriptFlag(script: string, flag: string): string {
  const shebang = readShebang(script);
  const [engine, ...options] = shebang?.words ?? [];
  const sets = (option: string) => option.startsWith('flags=') && flagNames(option).includes(flag);
  if (!shebang || engine !== '#!lua' || !options.some(sets)) return script;
  const kept = options.flatMap((option) => {
    if (!option.startsWith('flags=')) return [option];
    const others = flagNames(option).filter((name) => name !== flag);
    // An empty name (`flags=allow-key-locking,`) must stay one, for Redis to refuse it as before.
    return others.length === 0 ? [] : [`flags=${others.join(',') || ','}`];
  });
  return [engine, ...kept].join(' ') + script.slice(shebang.end);
}
