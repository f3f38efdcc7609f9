// Read-only scripts and Redis functions. Library and function names may only hold letters, digits
// and underscores, so they cannot be the run's `{key}` names (`agree:<uuid>:…`): they carry a
// suffix random to this run instead, and every library loaded is deleted at the end of its family.
// FUNCTION FLUSH is never sent here (the real Redis is shared): upstash-functions.test.ts tests it.
// Each FUNCTION LIST names one library of one function: Redis lists in its hash tables' order.
import { createHash, randomBytes } from 'node:crypto';
import type { AgreeFamilies } from './agree-command';

const RUN = randomBytes(6).toString('hex');
const lib = (name: string) => `agree_${RUN}_${name}`;
const fn = (name: string) => `agree_${RUN}_${name}`;
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

const READ = "return redis.call('GET', KEYS[1])";

const MAIN = `#!lua name=${lib('main')}
local function get(keys, args) return redis.call('GET', keys[1]) end
local function fail_deeper() error('deeper failure') end
redis.register_function('${fn('get')}', get)
redis.register_function('${fn('echo')}', function(keys, args) return {#keys, keys[1], args[1], args[2]} end)
redis.register_function{function_name='${fn('ro')}', callback=get, flags={'no-writes'}, description='reads'}
redis.register_function{function_name='${fn('rw')}', callback=function(keys, args)
  return redis.call('SET', keys[1], args[1])
end, flags={'no-writes'}}
redis.register_function('${fn('set')}', function(keys, args) return redis.call('SET', keys[1], args[1]) end)
redis.register_function('${fn('fail')}', function(keys, args)
  local reply = redis.pcall('INCR', keys[1])
  if args[1] == 'raise' then return redis.call('INCR', keys[1]) end
  if args[1] == 'error' then error('custom failure') end
  if args[1] == 'table' then error({err='MY failure'}) end
  if args[1] == 'global' then return undefined_global end
  if args[1] == 'keys' then return KEYS end
  if args[1] == 'modify' then some_global = 1 end
  if args[1] == 'nested' then return redis.pcall('FCALL', '${fn('get')}', 0) end
  if args[1] == 'rethrow' then local ok, message = pcall(redis.call, 'INCR', keys[1]) error(message, 0) end
  if args[1] == 'rethrow_here' then local ok, message = pcall(redis.call, 'INCR', keys[1]) error(message) end
  if args[1] == 'lines' then error('first\\nsecond') end
  if args[1] == 'deeper' then fail_deeper() end
  if args[1] == 'sort' then table.sort({3, 1, 2}, function() error('in comparator') end) end
  if args[1] == 'rawset' then rawset(_G, 'some_global', 1) end
  if args[1] == 'redis_field' then redis.some_field = 1 end
  if args[1] == 'status' then return redis.status_reply('FINE') end
  if args[1] == 'values' then return {1.5, -2.5, true, false, 'text', {ok='nested'}} end
  return reply
end)
`;

const LISTED = `#!lua name=${lib('listed')}
redis.register_function{function_name='${fn('listed')}', callback=function() return 1 end,
  description='listed function', flags={'allow-stale', 'NO-WRITES'}}
`;

const single = (name: string, body: string) => `#!lua name=${lib(name)}\n${body}`;
const register = (name: string) => `redis.register_function('${fn(name)}', function() return '${name}' end)`;

export const functionFamilies: AgreeFamilies = {
  'read-only scripts': [
    ['SET', '{ro}', 'v'],
    ['EVAL_RO', READ, 1, '{ro}'],
    ['EVALSHA_RO', sha1(READ), 1, '{ro}'],
    ['EVALSHA_RO', sha1(READ).toUpperCase(), 1, '{ro}'],
    ['EVAL_RO', "return redis.pcall('SET', KEYS[1], 'w')", 1, '{ro}'],
    ['EVAL_RO', "return redis.call('SET', KEYS[1], 'w')", 1, '{ro}'],
    ['EVAL_RO', "return redis.pcall('DEL', KEYS[1])", 1, '{ro}'],
    ['EVAL_RO', "return redis.pcall('PFCOUNT', KEYS[1])", 1, '{ro}'],
    ['EVAL_RO', "return redis.pcall('PUBLISH', KEYS[1], 'message')", 1, '{ro}'],
    ['EVAL_RO', "return redis.pcall('SET')", 0],
    ['EVAL_RO', "return redis.pcall('EVAL_RO', 'return 1', 0)", 0],
    ['EVAL_RO', "return redis.pcall('FCALL', 'f', 0)", 0],
    [
      'EVAL_RO',
      "local ok, message = pcall(redis.call, 'INCR', KEYS[1]) return {tostring(ok), message, redis.call('GET', KEYS[1])}",
      1,
      '{ro}',
    ],
    ['EVAL_RO', "return redis.call('NOSUCHCOMMAND')", 0],
    ['EVAL_RO', "error('custom failure')", 0],
    ['EVAL_RO', "local ok, message = pcall(redis.call, 'SET', KEYS[1], 'w') error(message, 0)", 1, '{ro}'],
    ['EVAL_RO', "rawset(_G, 'some_global', 1)", 0],
    ['EVAL_RO', "error('first\\nsecond')", 0],
    ['EVAL_RO', 'return some_global', 0],
    ['EVAL_RO', "return redis.error_reply('MY failure')", 0],
    ['EVAL_RO', 'return {1, 2}', 0],
    ['GET', '{ro}'],
    ['EVAL', "return redis.pcall('EVALSHA_RO', 'x', 0)", 0],
    ['EVAL', "return redis.pcall('SET', KEYS[1], 'from eval')", 1, '{ro}'],
    ['EVALSHA_RO', 'ffffffffffffffffffffffffffffffffffffffff', 0],
    ['EVAL_RO', 'return 1', -1],
    ['EVAL_RO', 'return 1', 2, 'a'],
    ['EVAL_RO', 'return 1', 'x'],
    ['EVAL_RO', 'return 1'],
    ['EVALSHA_RO', sha1(READ)],
    ['EVAL_RO', 'return +', 0],
  ],
  functions: [
    ['FUNCTION', 'LOAD', MAIN],
    ['SET', '{f}', 'value'],
    ['FCALL', fn('get'), 1, '{f}'],
    ['FCALL_RO', fn('ro'), 1, '{f}'],
    ['FCALL', fn('echo'), 2, '{a}', '{b}', 'x'],
    ['FCALL', fn('echo'), 0, 'x', 'y'],
    ['FCALL', fn('set'), 1, '{f}', 'new'],
    ['FCALL_RO', fn('set'), 1, '{f}', 'newer'],
    ['FCALL_RO', fn('get'), 1, '{f}'],
    ['FCALL', fn('rw'), 1, '{f}', 'newer'],
    ['FCALL_RO', fn('rw'), 1, '{f}', 'newer'],
    ['GET', '{f}'],
    ['fcall', fn('fail'), 1, '{f}'],
    ['FCALL', fn('fail'), 1, '{f}', 'raise'],
    ['FCALL', fn('fail'), 1, '{f}', 'error'],
    ['FCALL', fn('fail'), 1, '{f}', 'table'],
    ['FCALL', fn('fail'), 1, '{f}', 'global'],
    ['FCALL', fn('fail'), 1, '{f}', 'keys'],
    ['FCALL', fn('fail'), 1, '{f}', 'modify'],
    ['FCALL', fn('fail'), 1, '{f}', 'nested'],
    ...['rethrow', 'rethrow_here', 'lines', 'deeper', 'sort', 'rawset', 'redis_field', 'status', 'values'].map(
      (how) => ['FCALL', fn('fail'), 1, '{f}', how],
    ),
    ['FCALL', fn('nosuch'), 0],
    ['FCALL', fn('get'), 'x'],
    ['FCALL', fn('get'), 2, '{f}'],
    ['FCALL', fn('get'), -1],
    ['FCALL', fn('get'), '01', '{f}'],
    ['FCALL', fn('get')],
    ['FCALL_RO', fn('get')],
    ['FCALL_RO', fn('nosuch'), 1, '{f}'],
    ['EVAL', "return redis.pcall('FCALL', KEYS[1], 0)", 1, fn('get')],
    ['EVAL', "return redis.pcall('FUNCTION', 'LIST')", 0],
    ['EVAL', "return redis.pcall('FUNCTION')", 0],
    ['EVAL', "return redis.pcall('FUNCTION', 'NOSUCH')", 0],
    ['FUNCTION', 'LOAD', LISTED],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', lib('listed')],
    [
      'FUNCTION',
      'LIST',
      'WITHCODE',
      'LIBRARYNAME',
      lib('listed')
        .toUpperCase()
        .replace(/LISTED$/, 'L*'),
    ],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', `${lib('nothing')}*`],
    ['FUNCTION', 'LIST', 'LIBRARYNAME'],
    ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
    ['FUNCTION', 'LIST', 'NOPE'],
    ['FUNCTION', 'DELETE', lib('main')],
    ['FCALL', fn('get'), 1, '{f}'],
    ['FUNCTION', 'DELETE', lib('main')],
    ['FUNCTION', 'DELETE', lib('listed')],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', `agree_${RUN}_*`],
  ],
  'function libraries': [
    ['FUNCTION', 'LOAD', single('one', register('first'))],
    ['FCALL', fn('first'), 0],
    ['FUNCTION', 'LOAD', single('one', register('other'))],
    ['FCALL', fn('other'), 0],
    ['FUNCTION', 'LOAD', 'replace', single('one', `${register('first')}\n${register('second')}`)],
    ['FCALL', fn('second'), 0],
    ['FUNCTION', 'LOAD', single('two', register('first'))],
    ['FUNCTION', 'LOAD', 'REPLACE', single('two', register('first'))],
    ['FUNCTION', 'LOAD', single('two', `${register('third')}\n${register('third')}`)],
    ['FCALL', fn('third'), 0],
    ['FUNCTION', 'LOAD', 'REPLACE', single('one', register('fourth'))],
    ['FCALL', fn('first'), 0],
    ['FCALL', fn('fourth'), 0],
    ['FUNCTION', 'LOAD', single('two', register('first'))],
    ['FCALL', fn('first'), 0],
    ['FUNCTION', 'LOAD', 'NOPE', single('three', register('x'))],
    ['FUNCTION', 'LOAD', 'REPLACE'],
    ['FUNCTION', 'LOAD'],
    ['FUNCTION', 'LOAD', 'return 1'],
    ['FUNCTION', 'LOAD', '#!lua name=x'],
    ['FUNCTION', 'LOAD', '#!lua\nreturn 1'],
    ['FUNCTION', 'LOAD', `#!lua name=${lib('bad')} name=${lib('bad')}\n${register('x')}`],
    ['FUNCTION', 'LOAD', `#!lua name=${lib('bad')} version=1\n${register('x')}`],
    ['FUNCTION', 'LOAD', `#!lua name=bad-name\n${register('x')}`],
    ['FUNCTION', 'LOAD', `#!lua name=\n${register('x')}`],
    ['FUNCTION', 'LOAD', `#!ruby name=${lib('bad')}\n${register('x')}`],
    ['FUNCTION', 'LOAD', `#!LUA name="${lib('bad')}\n${register('x')}`],
    ['FUNCTION', 'LOAD', single('bad', 'return 1')],
    ['FUNCTION', 'LOAD', single('bad', 'return +')],
    ['FUNCTION', 'LOAD', single('bad', "local s = string.rep('a', 2)")],
    ['FUNCTION', 'LOAD', single('bad', "redis.call('GET', 'x')")],
    ['FUNCTION', 'LOAD', single('bad', 'some_global = 1')],
    ['FUNCTION', 'LOAD', single('bad', "redis.register_function('bad-name', function() end)")],
    ['FUNCTION', 'LOAD', single('bad', "redis.register_function('x')")],
    ['FUNCTION', 'LOAD', single('bad', 'redis.register_function(1, 2)')],
    ['FUNCTION', 'LOAD', single('bad', 'redis.register_function({}, function() end)')],
    ['FUNCTION', 'LOAD', single('bad', "redis.register_function('x', 'y')")],
    ['FUNCTION', 'LOAD', single('bad', "redis.register_function('x')")],
    ['FUNCTION', 'LOAD', single('bad', 'redis.register_function()')],
    ['FUNCTION', 'LOAD', single('bad', "redis.register_function('a', 'b', 'c')")],
    ['FUNCTION', 'LOAD', single('bad', "redis.register_function{function_name='x'}")],
    ['FUNCTION', 'LOAD', single('bad', 'redis.register_function{callback=function() end}')],
    ['FUNCTION', 'LOAD', single('bad', "redis.register_function{function_name='x', callback='y'}")],
    [
      'FUNCTION',
      'LOAD',
      single('bad', "redis.register_function{function_name='x', callback=function() end, flags='no-writes'}"),
    ],
    [
      'FUNCTION',
      'LOAD',
      single('bad', "redis.register_function{function_name='x', callback=function() end, flags={'fast'}}"),
    ],
    [
      'FUNCTION',
      'LOAD',
      single('bad', "redis.register_function{function_name='x', callback=function() end, description=true}"),
    ],
    ['FUNCTION', 'LOAD', single('bad', "redis.register_function{function_name='x', callback=function() end, other=1}")],
    ['FUNCTION', 'LOAD', single('bad', 'redis.register_function{function_name=false, callback=function() end}')],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', lib('bad')],
    ['FUNCTION', 'DELETE'],
    ['FUNCTION', 'DELETE', lib('one'), 'x'],
    ['FUNCTION', 'NOSUCH'],
    ['FUNCTION'],
    ['FUNCTION', 'KILL'],
    ['FUNCTION', 'HELP'],
    ['FUNCTION', 'STATS', 'x'],
    ['FUNCTION', 'DUMP', 'x'],
    ['FUNCTION', 'RESTORE'],
    ['FUNCTION', 'DELETE', lib('one')],
    ['FUNCTION', 'DELETE', lib('two')],
    ['FUNCTION', 'DELETE', lib('three')],
    ['FCALL', fn('fourth'), 0],
  ],
};
