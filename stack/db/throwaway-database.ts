import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ThrowawayDatabase {
  /** Connection string of the new database: the server's, with its own database name. */
  url: string;
  /** Creates it on the server. */
  create(): Promise<void>;
  /** Drops it, closing whatever is still connected to it. */
  drop(): Promise<void>;
}

/**
 * A database of its own on the Postgres server at `serverUrl`, named `<prefix>_<random>`, for a
 * test file or a benchmark that must not touch anyone's catalog. Its URL is known at once;
 * nothing exists on the server until `create()`.
 */
export function throwawayDatabase(serverUrl: string, prefix: string): ThrowawayDatabase {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    create: () => onServer(serverUrl, `CREATE DATABASE ${name}`),
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
