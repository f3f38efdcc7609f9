import { neon } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import * as schema from './schema';
import { useLocalNeonEndpoint } from './neon-local';

export type Database = ReturnType<typeof createDb>;

/**
 * A Drizzle client over Neon's HTTP API: one HTTP round trip per statement (or per
 * `db.batch`), no connection to keep, so one is made per request.
 */
export function createDb(env: Pick<Env, 'DATABASE_URL' | 'NEON_LOCAL_ENDPOINT'>) {
  useLocalNeonEndpoint(env.NEON_LOCAL_ENDPOINT);
  return drizzle({ client: neon(env.DATABASE_URL), schema });
}
