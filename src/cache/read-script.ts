// One Upstash round trip for a cache read: the entry, its tags' current versions, and a fill
// lease when the entry is not fresh, so cross-isolate stampede protection costs no extra trip.

/**
 * KEYS: [entry, lease, ...tag version keys]
 * ARGV: [now ms, lease token, lease ttl ms, version for tags that have none yet]
 * Returns: [stored entry or '', tag stamp, 1 if the lease was taken else 0]
 *
 * A missing tag version is created (not read as "0"): if Redis ever evicts a tag key, entries
 * stamped with its old version can never match again.
 */
export const READ_SCRIPT = `
local versions = {}
for i = 3, #KEYS do
  local version = redis.call('GET', KEYS[i])
  if not version then
    version = ARGV[4]
    redis.call('SET', KEYS[i], version)
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

let sha1: Promise<string> | undefined;

/** The script's SHA-1, computed once per isolate for EVALSHA. */
export function readScriptSha1(): Promise<string> {
  sha1 ??= crypto.subtle.digest('SHA-1', new TextEncoder().encode(READ_SCRIPT)).then((digest) =>
    [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join(''));
  return sha1;
}
