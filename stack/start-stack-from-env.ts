// `npm run stack`, `dev` and `serve` start the stack from the environment, and write `.dev.vars`.
import path from 'node:path';
import { DEV_VARS_FILE, PROJECT_ROOT, readDevVars, writeDevVars } from './dev-vars';
import { redactUrl } from './endpoint-kit';
import { StackError } from './stack-error';
import { workerVarsOf } from './stack-info';
import { type RunningStack, startStack } from './start-stack';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StackError(`${name}=${raw} is not a port number.`);
  return port;
}

/**
 * Starts the stack as configured by the environment (DATABASE_URL, REDIS_URL, PG_PORT,
 * NEON_PORT, UPSTASH_PORT, METRICS_PORT), writes `.dev.vars` for wrangler and prints the settings.
 * Tokens already in `.dev.vars` are kept, so curl commands keep working across restarts.
 */
export async function startStackFromEnv(): Promise<RunningStack> {
  const previous = readDevVars(DEV_VARS_FILE);
  const stack = await startStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    dataDir: path.join(PROJECT_ROOT, '.local', 'postgres'),
    pgPort: portFromEnv('PG_PORT', 5433),
    neonPort: portFromEnv('NEON_PORT', 4444),
    upstashPort: portFromEnv('UPSTASH_PORT', 8079),
    metricsPort: portFromEnv('METRICS_PORT', 8790),
    upstashToken: previous.UPSTASH_REDIS_REST_TOKEN || undefined,
    apiToken: previous.API_TOKEN || undefined,
    log: (line) => console.log(`[stack] ${line}`),
  });
  const vars = {
    ...workerVarsOf(stack.info),
    // No COMPRESSION: wrangler.toml's "off" holds locally too. wrangler dev's entry Worker plays
    // Cloudflare's edge: it tells the Worker "br, gzip" whatever the client sent, and encodes the
    // response for what the client accepts. A Worker that compressed on that header would send
    // gzip to clients that never asked for it (curl).
  };
  await writeDevVars(DEV_VARS_FILE, vars);
  console.log(
    `[stack] Redis: ${stack.info.redisUrl ? `REDIS_URL (${redactUrl(stack.info.redisUrl)})` : 'in-memory backend'}`,
  );
  console.log('[stack] Settings written to .dev.vars (secrets masked here; the file has them):');
  for (const [key, value] of Object.entries(vars)) console.log(`[stack]   ${key}=${masked(key, value)}`);
  return stack;
}

/** Secrets shown by their first characters only: enough to tell two apart, not to use one. */
function masked(key: string, value: string): string {
  if (key === 'DATABASE_URL') return redactUrl(value);
  if (key.endsWith('TOKEN')) return `${value.slice(0, 4)}… (${value.length} characters)`;
  return value;
}
