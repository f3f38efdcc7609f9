// wrangler dev fetches a sample `Request.cf` object (colo, country…) from Cloudflare once a few
// days; offline that prints two stack traces and falls back to a placeholder. Decide first.
import { lookup } from 'node:dns/promises';

const CF_OBJECT_HOST = 'workers.cloudflare.com';
/** Miniflare's switch for that fetch. */
const FETCH_SWITCH = 'CLOUDFLARE_CF_FETCH_ENABLED';

/**
 * The environment for wrangler dev: unchanged when the user chose, or when Cloudflare can be
 * looked up; otherwise the fetch is switched off, with one line that says why.
 */
export async function cfObjectEnv(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<NodeJS.ProcessEnv> {
  if (env[FETCH_SWITCH] !== undefined) return env;
  const reachable = await Promise.race([
    lookup(CF_OBJECT_HOST).then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(resolve, 1000, false).unref()),
  ]);
  if (reachable) return env;
  log(`Offline (${CF_OBJECT_HOST} does not resolve): Request.cf is wrangler's placeholder. Harmless.`);
  return { ...env, [FETCH_SWITCH]: 'false' };
}
