import { neon } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { useLocalNeonEndpoint } from './neon-local';
import * as schema from './schema';
import { databaseTimeoutFrom, withStatementDeadline } from './statement-deadline';

export type Database = ReturnType<typeof drizzleOverHttp>;

const drizzleOverHttp = (databaseUrl: string, timeoutMs: number) =>
  drizzle({ client: withStatementDeadline(neon(databaseUrl), timeoutMs), schema });

/**
 * The database settings. `DATABASE_TIMEOUT_MS` (default 1500) bounds each statement; it is not
 * declared in wrangler.toml, so it is optional here: set it as a var to change the default.
 */
export type DatabaseVars = Pick<Env, 'DATABASE_URL' | 'NEON_LOCAL_ENDPOINT'> & { DATABASE_TIMEOUT_MS?: string };

/** One client per isolate and settings: building Drizzle's schema config costs more than a cache hit. */
let isolateDb: { databaseUrl: string; timeoutText: string | undefined; db: Database } | undefined;

/**
 * A Drizzle client over Neon's HTTP API: one HTTP round trip per statement (or per
 * `db.batch`), no connection to keep, each with its own deadline. It holds only configuration
 * (no socket, stream or signal), so one per isolate is safe to share: each query's fetch and
 * its deadline belong to the request that makes it.
 */
export function createDb(env: DatabaseVars): Database {
  useLocalNeonEndpoint(env.NEON_LOCAL_ENDPOINT);
  if (isolateDb?.databaseUrl !== env.DATABASE_URL || isolateDb.timeoutText !== env.DATABASE_TIMEOUT_MS) {
    const db = drizzleOverHttp(env.DATABASE_URL, databaseTimeoutFrom(env.DATABASE_TIMEOUT_MS));
    isolateDb = { databaseUrl: env.DATABASE_URL, timeoutText: env.DATABASE_TIMEOUT_MS, db };
  }
  return isolateDb.db;
}
