// Lua run inside Redis, so each of the cache's multi-step operations costs one round trip and
// is atomic. Entries, leases and tag versions are as before; the invalidation log is new:
//
//   <ns>:seq    the last invalidation's sequence number: max(previous + 1, now in ms), so it
//               only grows, and starts above every old number if the key is ever lost
//   <ns>:log    sorted set, one member per invalidation: "<seq> <tag> <tag>…", scored by seq,
//               capped at the newest LOG_CAP members
//   <ns>:floor  the highest seq trimmed from the log: records after it are all there
//
// The same scripts run on the local stack's in-memory backend (stack/upstash: fengari, Lua 5.3,
// where Redis has 5.1), so they keep to what both share: numbers through tonumber (fengari's are
// exact to 2^53, enough for the millisecond sequence numbers), string.match patterns, tables, and
// redis.call of GET, SET, DEL, PTTL, ZADD, ZCARD, ZRANGE and ZREM; no cjson, bit or struct,
// no integer division, no 64-bit integers.
//
// Isolates keep the log's tail in sync (every read returns what is new since the caller's last
// look), which lets them check tags that are only known after a value is computed (the
// products on a list page) and keep serving from memory without asking Redis per request.

/** Invalidation records kept in Redis: an isolate that falls further behind starts over. */
export const LOG_CAP = 1000;

// Shared by the scripts that return the log's tail: records after ARGV[since], or a gap flag.
// A caller that is up to date (the common case) costs one GET, no range query.
const LOG_TAIL = `
local function logTail(seqKey, logKey, floorKey, since)
  local seq = redis.call('GET', seqKey) or '0'
  if tonumber(since) >= tonumber(seq) then return {seq, 0, {}} end
  if tonumber(since) < tonumber(redis.call('GET', floorKey) or '0') then return {seq, 1, {}} end
  return {seq, 0, redis.call('ZRANGE', logKey, '(' .. since, '+inf', 'BYSCORE')}
end
`;

/**
 * A cache read: the entry, its tags' current versions, a fill lease when the entry is not
 * fresh (so cross-isolate stampede protection costs no extra trip), and the log's tail.
 *
 * KEYS: [entry, lease, seq, log, floor, ...tag version keys]
 * ARGV: [now ms, lease token, lease ttl ms, version for tags that have none yet, tag ttl ms, log seen up to]
 * Returns: [stored entry or '', tag stamp, 1 if the lease was taken else 0, [seq, gap 1/0, [records]]]
 *
 * A missing tag version is created (never read as "0"): when a tag key expires or is evicted,
 * entries stamped with its old version can never match again. Tags known only after computing
 * (the entry's content tags) are checked by the caller against the log.
 */
export const READ_SCRIPT = `${LOG_TAIL}
local versions = {}
for i = 6, #KEYS do
  local version = redis.call('GET', KEYS[i])
  if not version then
    version = ARGV[4]
    redis.call('SET', KEYS[i], version, 'PX', ARGV[5])
  end
  versions[#versions + 1] = version
end
local stamp = table.concat(versions, ',')
local entry = redis.call('GET', KEYS[1])
if not entry then entry = '' end
local freshUntil, entryStamp = string.match(entry, '^ec2 (%d+) %d+ %d+ %d+ %-?%d+ ([^ \\n]*)')
local fresh = freshUntil ~= nil and entryStamp == stamp and tonumber(freshUntil) > tonumber(ARGV[1])
local lease = 0
-- The same token again is the same caller asking twice (its first call went unanswered): still its lease.
if not fresh and (redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) or redis.call('GET', KEYS[2]) == ARGV[2]) then lease = 1 end
return {entry, stamp, lease, logTail(KEYS[3], KEYS[4], KEYS[5], ARGV[6])}
`;

/**
 * The log's tail alone, for an isolate serving from memory that has not read Redis for a while.
 * KEYS: [seq, log, floor]  ARGV: [log seen up to]  Returns: [seq, gap 1/0, [records]]
 */
export const LOG_TAIL_SCRIPT = `${LOG_TAIL}
return logTail(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
`;

/**
 * Stores a computed entry unless one of its content tags was invalidated after its value was
 * read (its seq), then releases the caller's lease. Tags known before computing need no check:
 * their versions are in the entry's stamp.
 *
 * KEYS: [entry, lease, seq, log, floor]
 * ARGV: [stored entry, ttl ms, lease token or '', seq the value was read at, ...content tags]
 * Returns: 1 if stored, 0 if the value was already out of date
 */
export const FILL_SCRIPT = `
local current = true
if #ARGV > 4 and tonumber(redis.call('GET', KEYS[3]) or '0') > tonumber(ARGV[4]) then
  if tonumber(ARGV[4]) < tonumber(redis.call('GET', KEYS[5]) or '0') then
    current = false
  else
    local tags = {}
    for i = 5, #ARGV do tags[ARGV[i]] = true end
    for _, record in ipairs(redis.call('ZRANGE', KEYS[4], '(' .. ARGV[4], '+inf', 'BYSCORE')) do
      for tag in string.gmatch(record, '%S+') do
        if tags[tag] then current = false end
      end
    end
  end
end
if current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
if current then return 1 end
return 0
`;

/**
 * Invalidates tags: new versions (entries stamped with the old ones stop matching) and a log
 * record with the next sequence number, trimming the log to LOG_CAP.
 *
 * KEYS: [seq, log, floor, ...tag version keys]
 * ARGV: [new version, tag ttl ms, now ms, log cap, ...tag names]
 * Returns: the record's seq
 */
export const INVALIDATE_SCRIPT = `
local seq = math.max((tonumber(redis.call('GET', KEYS[1])) or 0) + 1, tonumber(ARGV[3]))
local seqText = string.format('%.0f', seq)
redis.call('SET', KEYS[1], seqText)
for i = 4, #KEYS do redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
local record = {seqText}
for i = 5, #ARGV do record[#record + 1] = ARGV[i] end
redis.call('ZADD', KEYS[2], seqText, table.concat(record, ' '))
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if excess > 0 then
  local trimmed = redis.call('ZRANGE', KEYS[2], 0, excess - 1, 'WITHSCORES')
  redis.call('SET', KEYS[3], trimmed[#trimmed])
  for i = 1, #trimmed, 2 do redis.call('ZREM', KEYS[2], trimmed[i]) end
end
return seqText
`;

/**
 * Starts the log over after everything cached was dropped (data changed past the API, e.g. a
 * seed): the next sequence number becomes the floor, so every isolate's position is below it,
 * its next look finds a gap, and it trusts nothing it holds in memory.
 *
 * KEYS: [seq, log, floor]  ARGV: [now ms]  Returns: the new floor
 */
export const FORGET_LOG_SCRIPT = `
local seq = math.max((tonumber(redis.call('GET', KEYS[1])) or 0) + 1, tonumber(ARGV[1]))
local seqText = string.format('%.0f', seq)
redis.call('SET', KEYS[1], seqText)
redis.call('SET', KEYS[3], seqText)
redis.call('DEL', KEYS[2])
return seqText
`;

/** Deletes a lease only if this caller still holds it (a slow holder must not free its successor's). */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** What a lease holds once its holder's computation failed: this prefix, then the failure as an entry. */
export const FAILED_LEASE_PREFIX = 'failed ';

/**
 * Replaces this caller's lease with the failure it computed (ARGV[2], prefixed) for at most
 * ARGV[3] ms, never past the lease's own expiry: the isolates waiting for its fill answer with
 * that failure instead of each asking the origin again, as requests in one isolate share a
 * failed computation.
 */
export const SHARE_FAILURE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local ttl = math.min(tonumber(redis.call('PTTL', KEYS[1])), tonumber(ARGV[3]))
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
return 1
`;

const digests = new Map<string, string>();

/**
 * A script's SHA-1 for EVALSHA, computed once per isolate. Digests are kept, not promises: a
 * promise made by one request must never be awaited by another.
 */
export async function scriptSha1(script: string): Promise<string> {
  let sha1 = digests.get(script);
  if (sha1 === undefined) {
    const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(script));
    sha1 = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    digests.set(script, sha1);
  }
  return sha1;
}
