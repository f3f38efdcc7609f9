// One node-postgres pool per role and database named in `Neon-Connection-String`. Whatever host the
// string names, connections go to the database the endpoint fronts, and only when it names that one.

import type { Pool } from 'pg';
import pg from 'pg';
import { HttpError } from '../endpoint-kit';
import type { DatabaseAddress } from './database-address';
import { addressOf, formatAddress, isSameAddress, parsePostgresUrl } from './database-address';

// Bounds the wait for an unreachable Postgres, so the client gets an answer instead of a hang.
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Connections per pool. Neon's HTTP proxy pools server-side with a pool sized to the compute
 * (tens to hundreds); pg's default of 10 queued quick lookups behind slow aggregates under load,
 * which the service would not. Half of Postgres' default max_connections (100).
 */
const MAX_CONNECTIONS = 50;
/**
 * How long an idle connection stays open. Neon's proxy keeps its pooled connections warm; pg's
 * default (10 s) closed them after every lull, and under load each new one cost a SCRAM
 * handshake (PBKDF2 on both sides) and a Postgres backend start, queued behind the requests.
 */
const IDLE_TIMEOUT_MS = 5 * 60_000;

interface Credentials {
  user: string;
  password: string | undefined;
  database: string;
  application_name: string | undefined;
}

/** Pools keyed by role, password, database and application_name; all connect to the fronted database. */
export class ConnectionPools {
  readonly #database: DatabaseAddress;
  readonly #pools = new Map<string, Pool>();

  constructor(database: DatabaseAddress) {
    this.#database = database;
  }

  /** The pool for a `Neon-Connection-String` header; an `HttpError` (400) when the header is unusable. */
  forConnectionString(header: string | string[] | undefined): Pool {
    const credentials = parseCredentials(header, this.#database);
    const key = JSON.stringify(credentials);
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new pg.Pool({
        ...credentials,
        host: this.#database.host,
        port: this.#database.port,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        max: MAX_CONNECTIONS,
        idleTimeoutMillis: IDLE_TIMEOUT_MS,
      });
      // The pool already discards an idle connection Postgres drops; an unheard 'error' would crash the stack.
      pool.on('error', () => {});
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.end()));
  }
}

// Messages follow Neon's proxy (`ConnInfoError`), which answers all of these with 400.
function parseCredentials(header: string | string[] | undefined, database: DatabaseAddress): Credentials {
  if (typeof header !== 'string') throw new HttpError(400, 'invalid header: neon-connection-string');
  const url = parsePostgresUrl(header);
  if (url === null) throw new HttpError(400, 'invalid connection string: expected postgresql://user@host/database');
  // No port: the driver leaves it out (poolQueryViaFetch does), and Neon's proxy knows its own.
  const address = url.port === '' ? { ...addressOf(url), port: database.port } : addressOf(url);
  if (!isSameAddress(address, database)) {
    throw new HttpError(400, `invalid hostname: this endpoint serves only ${formatAddress(database)}`);
  }
  const user = decodeUrlPart(url.username);
  if (user === '') throw new HttpError(400, 'missing username');
  const name = decodeUrlPart(url.pathname.slice(1));
  if (name === '') throw new HttpError(400, 'missing database name');
  // sslmode, channel_binding, options…: settings for Neon's proxy that the local Postgres must not see.
  return {
    user,
    password: url.password === '' ? undefined : decodeUrlPart(url.password),
    database: name,
    application_name: url.searchParams.get('application_name') ?? undefined,
  };
}

function decodeUrlPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, 'invalid connection string: bad percent-encoding');
  }
}
