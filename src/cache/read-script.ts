// Lua run inside Redis, so the cache's multi-step operations cost one round trip each.

/**
 * A cache read: the entry, its tags' current versions, and a fill lease when the entry is not
 * fresh, so cross-isolate stampede protection costs no extra trip.
 *
 * KEYS: [entry, lease, ...tag version keys]
 * ARGV: [now ms, lease token, lease ttl ms, version for tags that have none yet, tag ttl ms]
 * Returns: [stored entry or '', tag stamp, 1 if the lease was taken else 0]
 *
 * A missing tag version is created (never read as "0"): when a tag key expires or is evicted,
 * entries stamped with its old version can never match again.
 */
export const READ_SCRIPT = `
local versions = {}
for i = 3, #KEYS do
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
local freshUntil, entryStamp = string.match(entry, '^ec1 (%d+) %d+ %d+ %d+ ([^\\n]*)\\n')
local fresh = freshUntil ~= nil and entryStamp == stamp and tonumber(freshUntil) > tonumber(ARGV[1])
local lease = 0
if not fresh and redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then lease = 1 end
return {entry, stamp, lease}
`;

/** Deletes a lease only if this caller still holds it (a slow holder must not free its successor's). */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

let sha1: string | undefined;

/**
 * The read script's SHA-1 for EVALSHA, computed once per isolate. The digest is kept, not its
 * promise: a promise made by one request must never be awaited by another.
 */
export async function readScriptSha1(): Promise<string> {
  if (sha1 === undefined) {
    const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(READ_SCRIPT));
    sha1 = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  }
  return sha1;
}
