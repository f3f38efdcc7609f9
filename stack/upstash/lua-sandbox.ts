// The in-memory backend's Lua sandbox (lua-engine.ts runs it once per state): Redis 7's read-only
// globals for scripts, and the environments of Redis functions, at FUNCTION LOAD and when called.

/**
 * Runs once, with the real globals as _ENV and redis.register_function as its argument; returns
 * the read-only view scripts get instead, and the environments of Redis functions: while their
 * library loads, and when they run.
 */
export const SANDBOX = `
local globals, load, rawget, rawset, setmetatable, error, tostring = _G, load, rawget, rawset, setmetatable, error, tostring
local register_function = ...
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
  if views[t] then error('Attempt to modify a readonly table', 0) end -- Redis's rawset() gives no position
  return rawset(t, key, value)
end
for _, name in ipairs({ 'coroutine', 'math', 'redis', 'string', 'table' }) do
  globals[name] = readonly(globals[name])
end
globals._G = readonly(globals)
local function missing(name) return "Script attempted to access nonexistent global variable '" .. tostring(name) .. "'" end
setmetatable(globals, { __index = function(_, name) error(missing(name), 2) end })

-- Redis functions. Reading anything else than these fields is an error, as reading a missing global.
local function strict(lookup)
  local view = setmetatable({}, {
    __index = function(_, name)
      local value = lookup(name)
      if value == nil then error(missing(name), 2) end
      return value
    end,
    __newindex = function() error('Attempt to modify a readonly table', 2) end,
    __metatable = false,
  })
  views[view] = true
  return view
end
local function fields(t) return function(name) return t[name] end end
local redis = globals.redis
local library_redis = strict(fields({
  register_function = register_function, log = redis.log,
  LOG_DEBUG = redis.LOG_DEBUG, LOG_VERBOSE = redis.LOG_VERBOSE, LOG_NOTICE = redis.LOG_NOTICE, LOG_WARNING = redis.LOG_WARNING,
}))
local library_env = strict(fields({ redis = library_redis }))
local function_env = strict(function(name)
  if name ~= 'KEYS' and name ~= 'ARGV' then return rawget(globals, name) end
end)
return globals._G, library_env, function_env
`;
