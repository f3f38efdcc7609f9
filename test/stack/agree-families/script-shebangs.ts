// Scripts that start with Redis 7's `#!lua flags=…` line: their flags, what a read-only one
// refuses, the errors of a bad line, line numbers that count it, and EVALSHA of their whole text.
// Upstash's `allow-key-locking` flag, which Redis itself refuses, is accepted by both endpoints
// (the real-Redis one sends the script without it): its family checks they still agree, SHA-1s
// in error replies included; upstash.test.ts drives it through the client and @upstash/ratelimit.
import { createHash } from 'node:crypto';
import type { AgreeFamilies } from './agree-command';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

const READ = "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])";
const WRITE = "#!lua\nreturn redis.call('SET', KEYS[1], ARGV[1])";
const FAIL = "#!lua flags=allow-oom,allow-stale\nlocal a = 1\nerror('boom')";
const KEY_LOCKING = '#!lua flags=allow-key-locking\nreturn {KEYS[1], ARGV[1]}';
const KEY_LOCKING_READ_ONLY =
  "#!lua flags=no-writes,allow-key-locking\nlocal a = 1\nreturn redis.call('SET', KEYS[1], 'w')";

export const shebangFamilies: AgreeFamilies = {
  'script shebangs': [
    ['SET', '{s}', 'v'],
    ['EVAL', READ, 1, '{s}'],
    ['EVALSHA', sha1(READ), 1, '{s}'],
    ['EVAL_RO', READ, 1, '{s}'],
    ['EVALSHA_RO', sha1(READ).toUpperCase(), 1, '{s}'],
    ['SCRIPT', 'EXISTS', sha1(READ)],
    ['EVAL', "#!lua flags=no-writes\nreturn redis.call('SET', KEYS[1], 'w')", 1, '{s}'],
    ['EVAL', "#!lua flags=no-writes\nreturn redis.pcall('DEL', KEYS[1])", 1, '{s}'],
    ['EVAL', WRITE, 1, '{s}', 'w'],
    ['GET', '{s}'],
    ['EVAL_RO', WRITE, 1, '{s}', 'x'],
    ['EVALSHA_RO', sha1(WRITE), 1, '{s}', 'x'],
    ['EVALSHA', sha1(WRITE), 1, '{s}', 'y'],
    ['GET', '{s}'],
    ['SCRIPT', 'LOAD', FAIL],
    ['EVALSHA', sha1(FAIL), 0],
    ['EVAL', FAIL, 0],
    ['EVAL', '#!lua\nreturn +', 0],
    ['EVAL', '#!lua\nreturn redis.call(KEYS)', 0],
    ['EVAL', '#!lua\r\nreturn 1', 0],
    ['EVAL', '#!lua flags=\nreturn 1', 0],
    ['EVAL', '#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1', 0],
    ['EVAL', '#!lua flags=no-writes flags=allow-oom\nreturn 1', 0],
    ['EVAL', '#!lua "flags=no-writes"\nreturn 1', 0],
    ['EVAL', '#!python\nreturn 1', 0],
    ['EVAL', '#!\nreturn 1', 0],
    ['EVAL', '#! lua\nreturn 1', 0],
    ['EVAL', '#!LUA\nreturn 1', 0],
    ['EVAL', '#!lua foo=bar\nreturn 1', 0],
    ['EVAL', '#!lua FLAGS=no-writes\nreturn 1', 0],
    ['EVAL', '#!lua flags=NO-WRITES\nreturn 1', 0],
    ['EVAL', '#!lua flags=no-writes,\nreturn 1', 0],
    ['EVAL', '#!lua flags=fast,no-writes\nreturn 1', 0],
    ['EVAL', '#!lua', 0],
    ['EVAL', '#!lua "flags=no-writes\nreturn 1', 0],
    ['EVAL', ' #!lua\nreturn 1', 0],
    ['EVAL_RO', '#!ruby\nreturn 1', 0],
    ['SCRIPT', 'LOAD', '#!lua foo=bar\nreturn 1'],
    ['SCRIPT', 'LOAD', '#!lua flags=nope\nreturn 1'],
    ['EVAL', '#!python\nreturn 1', -1],
    ['EVAL', '#!python\nreturn 1', 1],
  ],
  'allow-key-locking scripts (as Upstash)': [
    ['EVAL', KEY_LOCKING, 1, '{k}', 'a'],
    ['EVALSHA', sha1(KEY_LOCKING), 1, '{k}', 'b'],
    ['SCRIPT', 'EXISTS', sha1(KEY_LOCKING)],
    ['SCRIPT', 'LOAD', KEY_LOCKING],
    ['EVAL', KEY_LOCKING_READ_ONLY, 1, '{k}'],
    ['EVALSHA', sha1(KEY_LOCKING_READ_ONLY), 1, '{k}'],
    ['EVAL_RO', KEY_LOCKING, 1, '{k}', 'c'],
    ['EVAL', '#!lua flags=allow-key-locking,nope\nreturn 1', 0],
    ['EVAL', '#!lua flags=allow-key-locking,\nreturn 1', 0],
    ['EVAL', '#!lua flags=allow-key-locking foo=bar\nreturn 1', 0],
    ['EVAL', "#!lua flags=allow-key-locking\nlocal a = 1\nerror('boom')", 0],
  ],
};
