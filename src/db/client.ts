import { neon } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import * as schema from './schema';
import { useLocalNeonEndpoint } from './neon-local';

export type Database = ReturnType<typeof drizzleOverHttp>;

const drizzleOverHttp = (databaseUrl: string) => drizzle({ client: neon(databaseUrl), schema });

/** One client per isolate and connection string: building Drizzle's schema config costs more than a cache hit. */
let isolateDb: { databaseUrl: string; db: Database } | undefined;

/**
 * A Drizzle client over Neon's HTTP API: one HTTP round trip per statement (or per
 * `db.batch`), no connection to keep. It holds only configuration (no socket or stream), so
 * one per isolate is safe to share: each query's fetch runs in the request that makes it.
 */
export function createDb(env: Pick<Env, 'DATABASE_URL' | 'NEON_LOCAL_ENDPOINT'>): Database {
  useLocalNeonEndpoint(env.NEON_LOCAL_ENDPOINT);
  if (isolateDb?.databaseUrl !== env.DATABASE_URL) isolateDb = { databaseUrl: env.DATABASE_URL, db: drizzleOverHttp(env.DATABASE_URL) };
  return isolateDb.db;
}
