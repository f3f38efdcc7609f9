import { neon } from '@neondatabase/serverless';
import { useLocalNeonEndpoint } from '../db/neon-local';

/**
 * `/ready`'s Postgres probe: `select 1` through the real driver, over HTTP, given up `timeoutMs`
 * after this call. `/ready` imports this module when called, which keeps Neon's driver out of
 * isolate startup (`src/catalog/load-catalog-store.ts` says why).
 */
export function postgresProbe(
  env: Pick<Env, 'DATABASE_URL' | 'NEON_LOCAL_ENDPOINT'>,
  timeoutMs: number,
): () => Promise<unknown> {
  useLocalNeonEndpoint(env.NEON_LOCAL_ENDPOINT);
  const sql = neon(env.DATABASE_URL, { fetchOptions: { signal: AbortSignal.timeout(timeoutMs) } });
  return () => sql`select 1`;
}
